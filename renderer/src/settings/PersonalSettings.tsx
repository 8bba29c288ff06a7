/**
 * Settings → Personal: how Strata looks and behaves for this person. Each
 * change applies at once and is saved on this computer; the instructions are
 * saved a moment after typing stops, or on leaving the box.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppError, PersonalPreferences, PreferencesPatch, TextSize, Theme } from '../../../preload/contract';
import { LIMITS } from '../../../preload/limits';
import { useModels, usePreferences, useStores } from '../app-stores';
import { findModel, modelLabel } from '../chat/chat-format';
import { ErrorNotice } from '../shared/ErrorNotice';
import { CheckIcon } from '../shared/icons';
import { TEXT_SIZE_LABELS, THEME_LABELS } from './appearance';
import { sendHint, usesCommandKey } from './enter-to-send';
import { preferenceProblems } from './personal-settings';
import { SectionNotLoaded, SettingsSection } from './SettingsSection';

type Save = (patch: PreferencesPatch) => Promise<AppError | null>;

const THEMES = Object.keys(THEME_LABELS) as Theme[];
const TEXT_SIZES = Object.keys(TEXT_SIZE_LABELS) as TextSize[];

/** How long typing must pause before the instructions are saved. */
const SAVE_AFTER_MS = 600;

/** One labelled preference: its control, a line of help and any problem, tied together for screen readers. */
function PreferenceField({
  id,
  label,
  help,
  problem,
  children,
}: {
  id: string;
  label: string;
  help?: ReactNode;
  problem?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {help && (
        <p className="field__help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {problem && (
        <p className="field__problem" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** The ids a control is described by: its help, then its problem. */
const describedBy = (id: string, help: boolean, problem: string | undefined) =>
  [help ? `${id}-help` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;

function DefaultModelField({ value, problem, save }: { value: string; problem?: string; save: Save }) {
  const { models } = useStores();
  const catalog = useModels((state) => state.catalog);
  const id = 'preference-default-model';
  const choose = async (modelId: string) => {
    // The catalog says which model new conversations start with: ask again so the next one follows this choice.
    if ((await save({ defaultModelId: modelId })) === null && models.getState().catalog) await models.getState().load();
  };
  // Not signed in (no catalog) or no longer listed: still show what was saved rather than lose it.
  const unlisted = value !== '' && !findModel(catalog, value);
  return (
    <PreferenceField id={id} label="Model for new conversations" help="You can still pick another model in each conversation." problem={problem}>
      <select
        id={id}
        className="field__input"
        value={value}
        onChange={(event) => void choose(event.target.value)}
        aria-describedby={describedBy(id, true, problem)}
        aria-invalid={problem !== undefined}
        data-testid={id}
      >
        <option value="">The model you used last</option>
        {unlisted && <option value={value}>{catalog ? `${value} (not in this Region's list)` : value}</option>}
        {catalog?.groups.map((group) => (
          <optgroup key={group.provider} label={group.provider}>
            {group.models.map((model) => (
              <option key={model.id} value={model.id}>
                {modelLabel(model)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </PreferenceField>
  );
}

function InstructionsField({ saved, problem, save }: { saved: string; problem?: string; save: Save }) {
  const id = 'preference-default-instructions';
  /** What the person typed and has not been saved yet; null when the box shows the saved text. */
  const [draft, setDraft] = useState<string | null>(null);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const latest = useRef({ draft, saved, save });
  useEffect(() => {
    latest.current = { draft, saved, save };
  });

  // Reads the latest values itself, so it stays the same function.
  const flush = useCallback(async () => {
    const { draft: text, saved: current, save } = latest.current;
    if (text === null || text === current) return;
    setStatus('saving');
    const error = await save({ defaultInstructions: text });
    setStatus(error ? 'idle' : 'saved');
    // Typing may have gone on meanwhile: keep whatever came after.
    if (!error) setDraft((now) => (now === text ? null : now));
  }, []);

  useEffect(() => {
    if (draft === null || draft === saved) return;
    const timer = setTimeout(() => void flush(), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [draft, saved, flush]);

  // Closing Settings mid-sentence still keeps the sentence.
  useEffect(
    () => () => {
      const { draft: text, saved: current, save: saveNow } = latest.current;
      if (text !== null && text !== current) void saveNow({ defaultInstructions: text });
    },
    [],
  );

  return (
    <PreferenceField
      id={id}
      label="Instructions for new conversations"
      help="What every new conversation starts with, such as your role or how you like answers written. Each conversation can change its own."
      problem={problem}
    >
      <textarea
        id={id}
        className="field__input personal-settings__instructions"
        rows={4}
        value={draft ?? saved}
        maxLength={LIMITS.systemPrompt}
        onChange={(event) => {
          setDraft(event.target.value);
          setStatus('idle');
        }}
        onBlur={() => void flush()}
        aria-describedby={describedBy(id, true, problem)}
        aria-invalid={problem !== undefined}
        data-testid={id}
      />
      <p className="personal-settings__status" role="status" data-testid="preference-instructions-status">
        {status === 'saving' && 'Saving…'}
        {status === 'saved' && (
          <span className="saved">
            <CheckIcon /> Saved
          </span>
        )}
      </p>
    </PreferenceField>
  );
}

function PreferencesFields({ preferences }: { preferences: PersonalPreferences }) {
  const update = usePreferences((state) => state.update);
  const saveError = usePreferences((state) => state.saveError);
  const dismissSaveError = usePreferences((state) => state.dismissSaveError);
  const { problems, notice } = preferenceProblems(saveError);
  const commandKey = usesCommandKey(navigator.platform);

  return (
    <>
      <fieldset className="settings-form__group">
        <legend className="settings-form__legend">Appearance</legend>
        <PreferenceField id="preference-theme" label="Theme" problem={problems.theme}>
          <select
            id="preference-theme"
            className="field__input"
            value={preferences.theme}
            onChange={(event) => void update({ theme: event.target.value as Theme })}
            aria-describedby={describedBy('preference-theme', false, problems.theme)}
            data-testid="preference-theme"
          >
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>
                {THEME_LABELS[theme]}
              </option>
            ))}
          </select>
        </PreferenceField>
        <PreferenceField id="preference-text-size" label="Text size" problem={problems.textSize}>
          <select
            id="preference-text-size"
            className="field__input"
            value={preferences.textSize}
            onChange={(event) => void update({ textSize: event.target.value as TextSize })}
            aria-describedby={describedBy('preference-text-size', false, problems.textSize)}
            data-testid="preference-text-size"
          >
            {TEXT_SIZES.map((size) => (
              <option key={size} value={size}>
                {TEXT_SIZE_LABELS[size]}
              </option>
            ))}
          </select>
        </PreferenceField>
      </fieldset>

      <fieldset className="settings-form__group">
        <legend className="settings-form__legend">New conversations</legend>
        <DefaultModelField value={preferences.defaultModelId} problem={problems.defaultModelId} save={update} />
        <InstructionsField saved={preferences.defaultInstructions} problem={problems.defaultInstructions} save={update} />
      </fieldset>

      <fieldset className="settings-form__group">
        <legend className="settings-form__legend">Typing</legend>
        <div className="field">
          <label className="personal-settings__check">
            <input
              type="checkbox"
              checked={preferences.enterToSend}
              onChange={(event) => void update({ enterToSend: event.target.checked })}
              aria-describedby="preference-enter-to-send-help"
              data-testid="preference-enter-to-send"
            />
            Press Enter to send a message
          </label>
          <p className="field__help" id="preference-enter-to-send-help">
            {preferences.enterToSend
              ? `On: ${sendHint(true, commandKey)}.`
              : `Off: ${sendHint(false, commandKey)}.`}
          </p>
          {problems.enterToSend && <p className="field__problem">{problems.enterToSend}</p>}
        </div>
      </fieldset>

      {notice && <ErrorNotice error={notice} onDismiss={dismissSaveError} testId="preferences-save-error" />}
    </>
  );
}

/** The Personal section of Settings. */
export function PersonalSettings() {
  const { preferences: store } = useStores();
  const preferences = usePreferences((state) => state.preferences);
  const loadError = usePreferences((state) => state.loadError);
  return (
    <SettingsSection name="personal" title="Personal" lead="Just for you, on this computer. Changes apply at once.">
      {preferences ? (
        <PreferencesFields preferences={preferences} />
      ) : (
        <SectionNotLoaded error={loadError} onRetry={() => void store.getState().load()} loading="Loading your preferences…" />
      )}
    </SettingsSection>
  );
}
