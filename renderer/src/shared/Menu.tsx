/**
 * A small pop-up menu of actions, following the ARIA menu pattern: focus
 * moves to the first item; the arrow keys, Home, End and an item's first
 * letter move between items; Escape closes it and hands focus back.
 */
import { useEffect, useRef, type FocusEvent, type KeyboardEvent } from 'react';
import { movedIndex } from './roving-focus';
import './Menu.css';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  /** Destructive (e.g. Delete): drawn in the danger colour. */
  danger?: boolean;
  testId?: string;
}

interface MenuProps {
  /** The id the opening button names in `aria-controls`; clicks on that button are not "outside". */
  id: string;
  label: string;
  items: readonly MenuItem[];
  /**
   * The menu should close. `returnFocus` is true after Escape (focus should go
   * back where the menu came from) and false when focus has already moved on
   * (Tab, a click elsewhere, or an item was chosen).
   */
  onClose: (returnFocus: boolean) => void;
}

/** A menu of actions that takes focus when it opens; its owner unmounts it when `onClose` is called. */
export function Menu({ id, label, items, onClose }: MenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  // Once closing, the blur that follows must not close it a second time.
  const closed = useRef(false);
  const close = (returnFocus: boolean) => {
    if (closed.current) return;
    closed.current = true;
    onClose(returnFocus);
  };

  const menuItems = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = menuItems();
    const current = all.indexOf(document.activeElement as HTMLElement);
    const next = movedIndex(all.length, current, event.key, true);
    if (next !== null) {
      event.preventDefault();
      all[next]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Typing a letter jumps to the next item that starts with it.
      const startsWithLetter = (i: number) => items[i]?.label.toLowerCase().startsWith(event.key.toLowerCase()) ?? false;
      const match = all.find((_, i) => i > current && startsWithLetter(i)) ?? all.find((_, i) => startsWithLetter(i));
      match?.focus();
    }
  };

  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    const to = event.relatedTarget;
    if (to instanceof Element && (event.currentTarget.contains(to) || to.closest(`[aria-controls="${CSS.escape(id)}"]`))) return;
    close(false);
  };

  return (
    <div ref={menu} id={id} role="menu" aria-label={label} className="menu" onKeyDown={onKeyDown} onBlur={onBlur}>
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={`menu__item${item.danger ? ' menu__item--danger' : ''}`}
          onClick={() => {
            close(false);
            item.onSelect();
          }}
          data-testid={item.testId}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
