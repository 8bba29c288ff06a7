/**
 * A modal side sheet (Settings, Keyboard shortcuts). The native modal dialog
 * keeps focus inside and the rest of the window inert; Escape or a click on
 * the backdrop closes it; focus goes back to whatever opened it.
 */
import { useEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { CloseIcon } from './icons';

interface SideSheetProps {
  title: string;
  /** The sheet's CSS block name: `<name>`, `<name>__panel`, `__header`, `__title`, `__body`. */
  name: string;
  closeLabel: string;
  testId: string;
  closeTestId: string;
  onClose: () => void;
  children: ReactNode;
}

export function SideSheet({ title, name, closeLabel, testId, closeTestId, onClose, children }: SideSheetProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const titleId = `${name}-title`;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    titleRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);

  const closeOnBackdrop = (event: MouseEvent<HTMLDialogElement>) => {
    // Clicks inside the panel land on its children; only the backdrop hits the dialog itself.
    if (event.target === event.currentTarget) onClose();
  };

  return (
    <dialog
      ref={dialogRef}
      className={name}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={closeOnBackdrop}
      data-testid={testId}
    >
      <div className={`${name}__panel`}>
        <header className={`side-sheet__header ${name}__header`}>
          <h2 className={`side-sheet__title ${name}__title`} id={titleId} tabIndex={-1} ref={titleRef}>
            {title}
          </h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label={closeLabel} data-testid={closeTestId}>
            <CloseIcon />
          </button>
        </header>
        <div className={`${name}__body`}>{children}</div>
      </div>
    </dialog>
  );
}
