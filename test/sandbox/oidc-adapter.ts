/**
 * In-memory storage for oidc-provider, one store per sandbox.
 *
 * oidc-provider's built-in memory adapter shares one module-level store across
 * every Provider in the process (and warns on each start); tests run several
 * sandboxes side by side, so each gets its own.
 */

interface Entry {
  payload: Record<string, unknown>;
  /** epoch ms; undefined = no expiry */
  expiresAt: number | undefined;
}

class Store {
  readonly entries = new Map<string, Entry>();
  /** session uid -> session id, user code -> id */
  readonly index = new Map<string, string>();
  /** grantId -> keys of the tokens issued under that grant */
  readonly grants = new Map<string, Set<string>>();

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

class ModelAdapter {
  constructor(
    private readonly model: string,
    private readonly store: Store,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
    this.store.entries.set(key, { payload, expiresAt });
    if (this.model === 'Session' && typeof payload.uid === 'string') this.store.index.set(`sessionUid:${payload.uid}`, id);
    if (typeof payload.userCode === 'string') this.store.index.set(`userCode:${payload.userCode}`, id);
    if (GRANTABLE.has(this.model) && typeof payload.grantId === 'string') {
      const members = this.store.grants.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.store.grants.set(payload.grantId, members);
    }
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    const id = this.store.index.get(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    const id = this.store.index.get(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.grants.get(grantId) ?? []) this.store.entries.delete(key);
    this.store.grants.delete(grantId);
  }
}

/** A fresh, isolated adapter factory for one Provider. */
export function createMemoryAdapter(): (model: string) => ModelAdapter {
  const store = new Store();
  return (model: string) => new ModelAdapter(model, store);
}
