/**
 * The company settings form. Keeps only the person's edits, so values that
 * change elsewhere (IT policy, another window) show through untouched boxes.
 */
import { Fragment, useState, type SubmitEvent } from 'react';
import type { AppError, SettingKey, SettingsView } from '../../../preload/contract';
import { useSettings } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CheckIcon } from '../shared/icons';
import { SETTING_GROUPS } from './setting-fields';
import {
  buildSettingsPatch,
  changedKeys,
  describeSaveFailure,
  fieldText,
  problemSummary,
  type SettingProblems,
  type SettingsDraft,
} from './settings-form';
import { ConnectionCheck } from './ConnectionCheck';
import { ProxySignIn } from './ProxySignIn';
import { SettingField, settingInputId } from './SettingField';

const FORM_ORDER: readonly SettingKey[] = SETTING_GROUPS.flatMap((group) => group.keys);

/** Moves focus (and so the scroll position) to the first setting with a problem. */
function focusFirstProblem(problems: SettingProblems): void {
  const first = FORM_ORDER.find((key) => problems[key] !== undefined);
  const input = first ? document.getElementById(settingInputId(first)) : null;
  if (!input) return;
  input.focus({ preventScroll: true });
  // Centre it: the sticky footer (with the error) would otherwise cover a box scrolled to the edge.
  input.scrollIntoView({ block: 'center' });
}

export function SettingsForm({ view }: { view: SettingsView }) {
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [problems, setProblems] = useState<SettingProblems>({});
  /** A failed save's error that belongs to no box; problems with a box are shown only there. */
  const [notice, setNotice] = useState<AppError | null>(null);
  const saveState = useSettings((state) => state.saveState);
  const save = useSettings((state) => state.save);
  const resetSaveState = useSettings((state) => state.resetSaveState);

  const changes = changedKeys(view.values, draft, view.locked);
  const saving = saveState.kind === 'saving';

  const edit = (key: SettingKey, text: string) => {
    setDraft((current) => ({ ...current, [key]: text }));
    setProblems((current) =>
      current[key] === undefined ? current : Object.fromEntries(Object.entries(current).filter(([other]) => other !== key)),
    );
    if (saveState.kind === 'saved') resetSaveState();
  };

  const submit = async () => {
    const built = buildSettingsPatch(view.values, draft, view.locked);
    if (!built.ok) {
      const local = { [built.key]: built.message };
      setProblems(local);
      setNotice(null);
      focusFirstProblem(local);
      return;
    }
    const error = await save(built.patch);
    if (error === null) {
      setDraft({});
      setProblems({});
      setNotice(null);
      return;
    }
    const failure = describeSaveFailure(error, Object.keys(built.patch) as SettingKey[], FORM_ORDER);
    setProblems(failure.problems);
    setNotice(failure.notice);
    focusFirstProblem(failure.problems);
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };

  const discard = () => {
    setDraft({});
    setProblems({});
    setNotice(null);
    resetSaveState();
  };

  const dismissNotice = () => {
    setNotice(null);
    resetSaveState();
  };
  const summary = problemSummary(problems);

  return (
    <form className="settings-form" onSubmit={onSubmit} noValidate aria-label="Company settings">
      {SETTING_GROUPS.map((group) => (
        <fieldset className="settings-form__group" key={group.title}>
          <legend className="settings-form__legend">{group.title}</legend>
          {group.keys.map((key) => (
            <Fragment key={key}>
              <SettingField
                settingKey={key}
                value={fieldText(view.values, draft, key)}
                source={view.sources[key]}
                lockedReason={view.locked[key]}
                problem={problems[key]}
                onChange={edit}
              />
              {/* The sign-in belongs to the proxy saved in Settings, so it shows under it once there is one. */}
              {key === 'proxy' && (view.proxySignIn || !['system', 'none'].includes(view.values.proxy)) && (
                <ProxySignIn saved={view.proxySignIn} />
              )}
            </Fragment>
          ))}
          {group.keys.includes('proxy') && <ConnectionCheck unsaved={changes.length > 0} />}
        </fieldset>
      ))}

      <div className="settings-form__footer">
        {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} testId="settings-save-error" />}
        {summary && (
          <p className="settings-form__summary" role="alert" data-testid="settings-problem-summary">
            {summary}
          </p>
        )}
        <div className="settings-form__actions">
          <p className="settings-form__status" role="status">
            {saveState.kind === 'saved' && changes.length === 0 && (
              <span className="saved" data-testid="settings-saved">
                <CheckIcon /> Saved
              </span>
            )}
            {changes.length > 0 && !saving && `${changes.length} unsaved ${changes.length === 1 ? 'change' : 'changes'}`}
          </p>
          <button type="button" className="button button--quiet" onClick={discard} disabled={changes.length === 0 || saving}>
            Discard changes
          </button>
          <button type="submit" className="button button--primary" disabled={changes.length === 0 || saving} data-testid="settings-save-button">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </form>
  );
}
