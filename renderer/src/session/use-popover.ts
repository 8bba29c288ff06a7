import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Open/closed state for a popover under a button (disclosure pattern). It
 * closes on Escape, on a click outside, and when focus moves elsewhere; focus
 * goes back to the button whenever it would otherwise be lost.
 */
export function usePopover() {
  const [open, setOpen] = useState(false);
  /** Holds both the button and the popover: "outside" means outside this. */
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const root = rootRef.current;
    const inside = (node: EventTarget | Element | null) => node instanceof Node && !!root?.contains(node);
    const close = (returnFocus: boolean) => {
      setOpen(false);
      if (returnFocus) buttonRef.current?.focus();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close(true);
    };
    const onClick = (event: MouseEvent) => {
      if (inside(event.target)) return;
      // Clicking something focusable keeps focus there; otherwise it would fall to the page.
      const lost = document.activeElement === document.body || inside(document.activeElement);
      close(lost);
    };
    const onFocusIn = (event: FocusEvent) => {
      if (!inside(event.target)) setOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('click', onClick, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('click', onClick, true);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, [open]);

  const toggle = useCallback(() => {
    setOpen((was) => !was);
  }, []);

  return { open, toggle, rootRef, buttonRef };
}
