/** The message box (the composer's text field), for the skip link and the shortcut that jump to it. */

/** The id Composer gives its text field. */
export const MESSAGE_BOX_ID = 'composer-input';

/** Moves focus to the message box; false when there is none to focus (no conversation on screen, or sending is off). */
export function focusMessageBox(): boolean {
  const box = document.getElementById(MESSAGE_BOX_ID);
  if (!(box instanceof HTMLTextAreaElement) || box.disabled) return false;
  box.focus();
  return true;
}
