/** One labelled setting: its box, a line of help, where its value came from, and any lock or error. */
import type { SettingKey, SettingSource } from '../../../preload/contract';
import { LockIcon } from '../shared/icons';
import { describeSource, SETTING_FIELDS, SETTING_MAX_LENGTH } from './setting-fields';

/** The id of a setting's text box, for labels and for moving focus to it. */
export function settingInputId(key: SettingKey): string {
  return `setting-${key}`;
}

interface SettingFieldProps {
  settingKey: SettingKey;
  value: string;
  source: SettingSource;
  /** Why IT locked it; the box is then read-only. */
  lockedReason: string | undefined;
  /** What is wrong with the value, if anything. */
  problem: string | undefined;
  onChange: (key: SettingKey, text: string) => void;
}

export function SettingField({ settingKey, value, source, lockedReason, problem, onChange }: SettingFieldProps) {
  const field = SETTING_FIELDS[settingKey];
  const id = settingInputId(settingKey);
  const locked = lockedReason !== undefined;
  const sourceText = describeSource(source);
  const describedBy = [`${id}-help`, locked ? `${id}-lock` : '', problem ? `${id}-problem` : '', sourceText ? `${id}-source` : '']
    .filter(Boolean)
    .join(' ');

  return (
    <div className={`field${locked ? ' field--locked' : ''}`}>
      <div className="field__label-row">
        <label className="field__label" htmlFor={id}>
          {field.label}
        </label>
        {sourceText && (
          <span className={`field__source field__source--${source}`} id={`${id}-source`}>
            {sourceText}
          </span>
        )}
      </div>
      <div className="field__control">
        <input
          id={id}
          name={settingKey}
          className="field__input"
          type="text"
          value={value}
          placeholder={field.placeholder}
          maxLength={SETTING_MAX_LENGTH[settingKey]}
          inputMode={field.inputMode ?? 'text'}
          readOnly={locked}
          aria-invalid={problem !== undefined}
          aria-describedby={describedBy}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          onChange={(event) => {
            onChange(settingKey, event.target.value);
          }}
          data-testid={id}
        />
        {locked && <LockIcon className="field__lock-icon" />}
      </div>
      <p className="field__help" id={`${id}-help`}>
        {field.help}
        {source === 'env' && ' An environment variable sets this, so changes here take effect only once it is removed.'}
      </p>
      {locked && (
        <p className="field__locked" id={`${id}-lock`}>
          <LockIcon /> Locked by your IT team: {lockedReason}
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
