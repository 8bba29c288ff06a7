/** One labelled setting: its box, a line of help, where its value came from, and any lock or error. */
import { useEffect, useRef } from 'react';
import type { SettingKey, SettingSource } from '../../../preload/contract';
import { LockIcon } from '../shared/icons';
import { describeSource, SETTING_FIELDS, SETTING_MAX_LENGTH } from './setting-fields';

/** The id of a setting's text box, for labels and for moving focus to it. */
export function settingInputId(key: SettingKey): string {
  return `setting-${key}`;
}

/** What every setting's text box shares: addresses, IDs and paths, not prose to correct or complete. */
export const TEXT_BOX = {
  className: 'field__input',
  type: 'text',
  spellCheck: false,
  autoCapitalize: 'off',
  autoComplete: 'off',
} as const;

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
      {settingKey === 'proxy' ? (
        <ProxyControl
          id={id}
          value={value}
          locked={locked}
          problem={problem}
          describedBy={describedBy}
          onChange={(text) => onChange(settingKey, text)}
        />
      ) : (
        <div className="field__control">
          <input
            id={id}
            name={settingKey}
            {...TEXT_BOX}
            value={value}
            placeholder={field.placeholder}
            maxLength={SETTING_MAX_LENGTH[settingKey]}
            inputMode={field.inputMode ?? 'text'}
            list={field.suggestions && !locked ? `${id}-suggestions` : undefined}
            readOnly={locked}
            aria-invalid={problem !== undefined}
            aria-describedby={describedBy}
            onChange={(event) => {
              onChange(settingKey, event.target.value);
            }}
            data-testid={id}
          />
          {field.suggestions && !locked && (
            <datalist id={`${id}-suggestions`} data-testid={`${id}-suggestions`}>
              {field.suggestions.map((option) => (
                <option key={option.value} value={option.value} label={`${option.label} · ${option.value}`} />
              ))}
            </datalist>
          )}
          {locked && <LockIcon className="field__lock-icon" />}
        </div>
      )}
      <p className="field__help" id={`${id}-help`}>
        {field.help}
        {source === 'env' && ' An environment variable sets this, so changes here take effect only once it is removed.'}
      </p>
      {locked && (
        <p className="field__locked" id={`${id}-lock`}>
          <LockIcon /> {managedText(lockedReason)}
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

/** "Managed by your organization", with IT's own reason when it gave one. */
export function managedText(reason: string | undefined): string {
  const managed = 'Managed by your organization';
  return !reason || reason.startsWith(managed) ? reason || managed : `${managed}: ${reason}`;
}

const PROXY_CHOICES = [
  { value: 'system', label: "This computer's proxy settings" },
  { value: 'none', label: 'No proxy' },
  { value: 'address', label: 'This proxy…' },
] as const;

interface ProxyControlProps {
  id: string;
  value: string;
  locked: boolean;
  problem: string | undefined;
  describedBy: string;
  onChange: (text: string) => void;
}

/** The proxy: the computer's, none, or an address typed in a box that appears for it. */
function ProxyControl({ id, value, locked, problem, describedBy, onChange }: ProxyControlProps) {
  const choice = value === 'system' || value === 'none' ? value : 'address';
  const addressBox = useRef<HTMLInputElement>(null);
  const chose = useRef(false);
  useEffect(() => {
    // Choosing "This proxy…" opens the box for the address: the person types on without reaching for it.
    if (chose.current && choice === 'address') addressBox.current?.focus();
    chose.current = false;
  }, [choice]);
  return (
    <>
      <div className="field__control">
        <select
          id={id}
          name="proxy"
          className="field__input field__select"
          value={choice}
          disabled={locked}
          aria-describedby={describedBy}
          onChange={(event) => {
            chose.current = true;
            onChange(event.target.value === 'address' ? '' : event.target.value);
          }}
          data-testid={id}
        >
          {PROXY_CHOICES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        {locked && <LockIcon className="field__lock-icon" />}
      </div>
      {choice === 'address' && (
        <div className="field__control field__control--sub">
          <label className="field__sublabel" htmlFor={`${id}-address`}>
            Proxy address
          </label>
          <input
            ref={addressBox}
            id={`${id}-address`}
            {...TEXT_BOX}
            value={value}
            placeholder="http://proxy.example.com:8080"
            maxLength={SETTING_MAX_LENGTH.proxy}
            inputMode="url"
            readOnly={locked}
            aria-invalid={problem !== undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
            data-testid={`${id}-address`}
          />
        </div>
      )}
    </>
  );
}
