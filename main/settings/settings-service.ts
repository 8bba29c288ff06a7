/**
 * The settings as the rest of main sees them: layered, lock-aware, with the
 * notices Settings shows.
 */
import { StrataError } from '../errors';
import { fieldProblems, invalidFields } from '../ipc/invalid-input';
import {
  settingsPatchSchema,
  type CompanySettings,
  type Notice,
  type SettingKey,
  type SettingSource,
  type SettingsPatch,
  type SettingsView,
} from '../../preload/contract';
import { resolveSettings, SETTING_LABELS, type ResolvedSettings } from './layers';
import { policyProblemView, type LoadedPolicy } from './policy';
import { PolicyRules } from './policy-rules';
import type { SettingsStore } from './settings-store';

export interface SettingsServiceOptions {
  store: SettingsStore;
  policy: LoadedPolicy;
  env: Record<string, string | undefined>;
}

/** Company settings for main: the effective values, the Settings view, and changes the person makes. */
export class SettingsService {
  readonly #store: SettingsStore;
  readonly #policy: LoadedPolicy;
  readonly #rules: PolicyRules;
  readonly #env: Record<string, string | undefined>;
  readonly #added = new Map<string, Notice>();
  readonly #dismissed = new Set<string>();
  readonly #listeners = new Set<() => void>();
  #resolved: ResolvedSettings | undefined;

  constructor(options: SettingsServiceOptions) {
    this.#store = options.store;
    this.#policy = options.policy;
    this.#rules = new PolicyRules(options.policy.rules);
    this.#env = options.env;
  }

  /** The settings Strata uses right now. */
  effective(): CompanySettings {
    return this.#resolve().values;
  }

  /** Everything Settings shows; token storage and the proxy sign-in come from secret stores this service doesn't own. */
  view(secrets: Pick<SettingsView, 'tokenStorage' | 'proxySignIn'>): SettingsView {
    const { values, sources, locked, notices } = this.#resolve();
    const all = new Map<string, Notice>();
    for (const notice of [...this.#store.notices, ...notices, ...this.#added.values()]) {
      all.set(notice.id, notice);
    }
    const shown = [...all.values()].filter((notice) => !this.#dismissed.has(notice.id));
    const problem = this.policyProblem();
    return { values, sources, locked, notices: shown, ...secrets, policy: { allowExport: this.#rules.allowExport, ...(problem ? { problem } : {}) } };
  }

  /** The rules the organization's policy sets beyond the settings (allowed models, sources, export, guardrail, updates). */
  get rules(): PolicyRules {
    return this.#rules;
  }

  /** What is wrong with the organization's policy, if anything: Strata then won't sign in or chat. */
  policyProblem(): ReturnType<typeof policyProblemView> {
    return policyProblemView(this.#policy);
  }

  /** Where the value of `key` in use comes from. */
  sourceOf(key: SettingKey): SettingSource {
    return this.#resolve().sources[key];
  }

  /** The settings IT has locked, with the reason to show. */
  locks(): Partial<Record<SettingKey, string>> {
    return this.#resolve().locked;
  }

  /**
   * The sign-in provider's address when IT (policy) or whoever started Strata (environment) set it:
   * links to it may open in the browser. One typed into Settings widens nothing.
   */
  trustedIssuer(): string {
    const { values, sources } = this.#resolve();
    return sources.issuer === 'policy' || sources.issuer === 'env' ? values.issuer : '';
  }

  /** Saves the person's changes; refuses the whole patch if it touches anything IT has locked. */
  update(patch: SettingsPatch): void {
    const touched = Object.keys(patch).filter((key) => patch[key as SettingKey] !== undefined);
    const locked = this.#resolve().locked;
    if (touched.some((key) => key in locked)) {
      throw new StrataError('invalid-input', "This setting is managed by your IT department and can't be changed here.");
    }
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      // The schema words each problem for people; Settings shows each beside its box, so the message only sums up.
      const invalid = Object.keys(fieldProblems(parsed.error)) as SettingKey[];
      const only = invalid.length === 1 ? invalid[0] : undefined;
      throw invalidFields(
        parsed.error,
        only ? `The value for “${SETTING_LABELS[only]}” isn't valid.` : "Some settings aren't valid.",
      );
    }
    this.#store.update(parsed.data);
    this.#changed();
  }

  /** Hides a notice until the next start (its cause may still be there then). */
  dismissNotice(id: string): void {
    this.#dismissed.add(id);
    this.#changed();
  }

  /** Lets other parts of main (e.g. the token vault) tell the person something in Settings. */
  addNotice(notice: Notice): void {
    // Told again, it happened again: shown even if the last one was dismissed.
    this.#dismissed.delete(notice.id);
    this.#added.set(notice.id, notice);
    this.#changed();
  }

  /** Takes back a notice whose cause has passed. */
  removeNotice(id: string): void {
    if (this.#added.delete(id)) this.#changed();
  }

  /** Calls `listener` after every change to what `view()` returns; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #resolve(): ResolvedSettings {
    this.#resolved ??= resolveSettings({ policy: this.#policy, user: this.#store.user(), env: this.#env });
    return this.#resolved;
  }

  #changed(): void {
    this.#resolved = undefined;
    for (const listener of [...this.#listeners]) listener();
  }
}
