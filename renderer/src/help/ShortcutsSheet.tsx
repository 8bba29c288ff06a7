/**
 * The Keyboard shortcuts sheet: every shortcut declared in shortcuts.ts,
 * grouped by where it works. A native modal dialog, like Settings: focus
 * moves in, Escape closes it, focus goes back to whatever opened it.
 */
import { createContext, Fragment, useCallback, useContext, useId, useState, type ReactNode } from 'react';
import { SideSheet } from '../shared/SideSheet';
import { usePreferences } from '../app-stores';
import { asSet, comboKeys, combosFor, isMac, SHORTCUT_GROUPS, shortcuts, shortcutsIn, type KeyCombo, type ShortcutGroup } from '../shared/shortcuts';
import { useShortcut } from '../shared/use-shortcut';
import './ShortcutsSheet.css';

/** One way to press a shortcut, as keycaps: Ctrl + N, or ⌘N on a Mac. */
function Keys({ combo, mac }: { combo: KeyCombo; mac: boolean }) {
  return (
    <kbd className="shortcut-keys">
      {comboKeys(combo, mac).map((key, i) => (
        <Fragment key={key}>
          {i > 0 && !mac && '+'}
          <kbd>{key}</kbd>
        </Fragment>
      ))}
    </kbd>
  );
}

function ShortcutGroupSection({ group, mac }: { group: ShortcutGroup; mac: boolean }) {
  const headingId = useId();
  const enterToSend = usePreferences((state) => state.preferences?.enterToSend ?? true);
  return (
    <section className="shortcuts-sheet__group" aria-labelledby={headingId}>
      <h3 id={headingId}>{group}</h3>
      <dl className="shortcut-list">
        {shortcutsIn(group).map((set) => asSet(set, enterToSend)).map((shortcut) => (
          <div key={shortcut.description} className="shortcut-list__row" data-testid="shortcut">
            <dt>{shortcut.description}</dt>
            <dd>
              {combosFor(shortcut, mac).map((combo, i) => (
                <Fragment key={i}>
                  {i > 0 && <span className="shortcut-list__or"> or </span>}
                  <Keys combo={combo} mac={mac} />
                </Fragment>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The sheet itself, open while mounted. */
export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  const mac = isMac();
  return (
    <SideSheet
      title="Keyboard shortcuts"
      name="shortcuts-sheet"
      closeLabel="Close keyboard shortcuts"
      testId="shortcuts-sheet"
      closeTestId="shortcuts-close-button"
      onClose={onClose}
    >
      {SHORTCUT_GROUPS.map((group) => (
        <ShortcutGroupSection key={group} group={group} mac={mac} />
      ))}
    </SideSheet>
  );
}

const ShowShortcutsContext = createContext<(() => void) | null>(null);

/** Hosts the Keyboard shortcuts sheet: opens it on its own shortcut (while `enabled`) and for useShowShortcuts(). */
export function ShortcutsSheetProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const show = useCallback(() => setOpen(true), []);
  const close = useCallback(() => setOpen(false), []);
  // The same keys close it again, so people can glance at it and carry on.
  useShortcut(shortcuts.showShortcuts, () => setOpen((current) => !current), enabled);
  return (
    <ShowShortcutsContext.Provider value={show}>
      {children}
      {open && <ShortcutsSheet onClose={close} />}
    </ShowShortcutsContext.Provider>
  );
}

/** Opens the Keyboard shortcuts sheet. */
export function useShowShortcuts(): () => void {
  const show = useContext(ShowShortcutsContext);
  if (!show) throw new Error('useShowShortcuts must be used inside <ShortcutsSheetProvider>');
  return show;
}
