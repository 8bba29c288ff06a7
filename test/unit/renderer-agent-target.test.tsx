import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { StoreApi } from 'zustand/vanilla';
import {
  conversationSettingsPatchSchema,
  knowledgeBaseConversationSchema,
  type AgentAnswer,
  type AgentConversation,
  type AgentDirectory,
  type AppError,
  type ChatMessage,
  type Conversation,
  type ConversationSettingsPatch,
  type KnowledgeBaseConversation,
  type ModelCatalog,
  type Result,
} from '../../preload/contract';
import { AgentReply } from '../../renderer/src/agents/AgentReply';
import { AgentFormView, DirectoryPicker, TargetControls, type AgentFormViewProps } from '../../renderer/src/agents/AgentTarget';
import { createAgentDirectoryStore, type AgentDirectoryApi } from '../../renderer/src/agents/directory-store';
import {
  checkTarget,
  directoryChoices,
  KNOWLEDGE_BASE_ID_PROBLEM,
  newSessionPatch,
  pickChoice,
  targetDraftOf,
  targetProblemsFromError,
  type TargetDraft,
  withEdit,
} from '../../renderer/src/agents/target-form';
import { StoresProvider, type AppStores } from '../../renderer/src/app-stores';
import { applyTargetPatch, newConversationSettings } from '../../renderer/src/chat/ChatWorkspace';
import { createConversationsStore, type ConversationsApi } from '../../renderer/src/chat/conversations-store';
import { InterruptionView } from '../../renderer/src/chat/Messages';
import { createModelsStore, type ModelsApi } from '../../renderer/src/chat/models-store';
import { find, visibleText } from './react-tree';

const ignore = () => {};
const ok = <T,>(value: T): Result<T> => ({ ok: true, value });

const DIRECTORY: AgentDirectory = {
  agents: [
    {
      agentId: 'LIBRARIAN1',
      name: 'Handbook librarian',
      description: 'Answers from the employee handbook.',
      aliases: [
        { aliasId: 'LIBLIVE001', name: 'live' },
        { aliasId: 'LIBBETA001', name: 'beta' },
      ],
    },
    // An agent with no alias that can answer is not offered.
    { agentId: 'DRAFTAGENT', name: 'Draft agent', aliases: [] },
  ],
  knowledgeBases: [
    { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook', description: 'HR policies.' },
    { knowledgeBaseId: 'KBITGUIDES', name: 'IT guides' },
  ],
};

const LIST_DENIED: AppError = {
  code: 'agent-access-denied',
  message: "Your company account isn't allowed to list knowledge bases.",
  action: 'Ask IT for bedrock:ListKnowledgeBases.',
};

const draft = (over: Partial<TargetDraft> = {}): TargetDraft => ({
  kind: 'agent',
  agentId: '',
  aliasId: '',
  name: '',
  knowledgeBaseId: '',
  knowledgeBaseName: '',
  modelId: 'writer',
  ...over,
});

/** A store as server rendering reads it: its state now, not the state it was made with. */
function rendered<S>(store: StoreApi<S>): StoreApi<S> {
  store.getInitialState = store.getState;
  return store;
}

const CATALOG: ModelCatalog = {
  region: 'eu-west-1',
  groups: [{ provider: 'Anthropic', models: [{ id: 'writer', name: 'Claude Writer', provider: 'Anthropic' }] }],
} as unknown as ModelCatalog;

function modelsStore() {
  const models = createModelsStore({ models: { list: vi.fn(), choose: vi.fn() } } as unknown as ModelsApi);
  models.setState({ catalog: CATALOG });
  return rendered(models);
}

describe('the directory picker', () => {
  const picker = (over: Partial<Parameters<typeof DirectoryPicker>[0]> = {}) => ({
    id: 'af',
    kind: 'agent' as const,
    draft: draft(),
    directory: DIRECTORY,
    loading: false,
    error: null,
    onPick: vi.fn(),
    onRefresh: vi.fn(),
    ...over,
  });

  it('offers each agent once per alias that can answer, as "Agent name — alias name", in a labelled select', () => {
    const markup = renderToStaticMarkup(<DirectoryPicker {...picker()} />);
    expect(markup).toMatch(/<label for="af-choice"[^>]*>Choose from the agents you can use<\/label>/);
    expect(markup).toMatch(/<select id="af-choice"[^>]*>/);
    expect(markup).toContain('<optgroup label="Agents">');
    const options = [...markup.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
    expect(options).toEqual([
      ['', 'Choose an agent…'],
      ['agent:LIBRARIAN1:LIBLIVE001', 'Handbook librarian — live'],
      ['agent:LIBRARIAN1:LIBBETA001', 'Handbook librarian — beta'],
    ]);
  });

  it('hands the option picked to the form, and shows the entry the ID fields name, with its description', () => {
    const p = picker({ draft: draft({ agentId: 'LIBRARIAN1', aliasId: 'LIBBETA001' }) });
    const select = find(DirectoryPicker(p), 'target-directory-picker');
    expect(select.props.value).toBe('agent:LIBRARIAN1:LIBBETA001');
    (select.props.onChange as (e: unknown) => void)({ target: { value: 'agent:LIBRARIAN1:LIBLIVE001' } });
    expect(p.onPick).toHaveBeenCalledWith('agent:LIBRARIAN1:LIBLIVE001');
    expect(renderToStaticMarkup(<DirectoryPicker {...p} />)).toContain('Answers from the employee handbook.');
    // IDs typed that the list does not have: the picker says the typed ones are used.
    const typed = renderToStaticMarkup(<DirectoryPicker {...picker({ draft: draft({ agentId: 'OTHERAGENT', aliasId: 'OTHLIVE001' }) })} />);
    expect(typed).toContain('<option value="" selected="">Not in the list: the IDs below are used</option>');
  });

  it('lists the knowledge bases for a knowledge base', () => {
    const markup = renderToStaticMarkup(<DirectoryPicker {...picker({ kind: 'knowledge-base' })} />);
    expect(markup).toContain('<optgroup label="Knowledge bases">');
    expect(markup).toContain('<option value="kb:KBHANDBOOK">Employee handbook</option>');
    expect(markup).toContain('<option value="kb:KBITGUIDES">IT guides</option>');
  });

  it('while loading, says so and offers nothing to pick; Refresh waits', () => {
    const p = picker({ directory: null, loading: true });
    const markup = renderToStaticMarkup(<DirectoryPicker {...p} />);
    expect(markup).toContain('data-testid="target-directory-loading"');
    expect(markup).toContain('Loading the agents and knowledge bases AWS lists for you…');
    expect(markup).toMatch(/<select[^>]*disabled=""[^>]*aria-busy="true"/);
    expect(find(DirectoryPicker(p), 'target-directory-refresh').props.disabled).toBe(true);
  });

  it('Refresh asks for the lists again', () => {
    const p = picker();
    const refresh = find(DirectoryPicker(p), 'target-directory-refresh');
    expect(refresh.props.disabled).toBe(false);
    (refresh.props.onClick as () => void)();
    expect(p.onRefresh).toHaveBeenCalledOnce();
  });

  it('a list that failed says its error and what to do, and that the IDs can still be entered', () => {
    const error: AppError = { code: 'aws-unreachable', message: "Strata couldn't reach AWS.", action: 'Check your network connection, then choose Refresh.' };
    const markup = renderToStaticMarkup(<DirectoryPicker {...picker({ directory: null, error })} />);
    const text = visibleText(markup);
    expect(markup).toContain('data-testid="target-directory-error"');
    expect(text).toContain("Couldn't load the agents and knowledge bases.");
    expect(text).toContain("Strata couldn't reach AWS.");
    expect(text).toContain('What to do: Check your network connection, then choose Refresh.');
    expect(text).toContain('You can still enter the IDs below.');
    expect(markup).toMatch(/<select[^>]*disabled=""/);
  });

  it('a list that is missing gets a note, while the other list still works', () => {
    const directory: AgentDirectory = { ...DIRECTORY, knowledgeBases: [], missing: { list: 'knowledge-bases', error: LIST_DENIED } };
    const kbs = renderToStaticMarkup(<DirectoryPicker {...picker({ kind: 'knowledge-base', directory })} />);
    expect(kbs).toContain('data-testid="target-directory-missing"');
    expect(visibleText(kbs)).toContain("Couldn't load the knowledge bases.");
    expect(visibleText(kbs)).toContain(LIST_DENIED.message);
    expect(visibleText(kbs)).toContain('What to do: Ask IT for bedrock:ListKnowledgeBases.');
    expect(visibleText(kbs)).toContain('You can still enter the ID below.');
    expect(kbs).not.toContain('target-directory-empty');

    const agents = renderToStaticMarkup(<DirectoryPicker {...picker({ kind: 'agent', directory })} />);
    expect(agents).not.toContain('target-directory-missing');
    expect(agents).toContain('Handbook librarian — live');
  });

  it('an empty list says so', () => {
    const empty: AgentDirectory = { agents: [{ agentId: 'DRAFTAGENT', name: 'Draft', aliases: [] }], knowledgeBases: [] };
    const agents = renderToStaticMarkup(<DirectoryPicker {...picker({ directory: empty })} />);
    expect(agents).toContain('data-testid="target-directory-empty"');
    expect(visibleText(agents)).toContain('AWS lists no agents with an alias that can answer for you in this Region.');
    expect(agents).toContain('<option value="" selected="">No agents listed</option>');
    const kbs = renderToStaticMarkup(<DirectoryPicker {...picker({ kind: 'knowledge-base', directory: empty })} />);
    expect(visibleText(kbs)).toContain('AWS lists no knowledge bases for you in this Region.');
  });
});

describe('the target form', () => {
  const props = (over: Partial<AgentFormViewProps> = {}): AgentFormViewProps => ({
    id: 'af',
    current: { modelId: 'writer' },
    draft: draft(),
    problems: {},
    saving: false,
    directory: DIRECTORY,
    loading: false,
    error: null,
    onKind: vi.fn(),
    onChange: ignore,
    onPick: ignore,
    onRefresh: ignore,
    onSubmit: ignore,
    onCancel: ignore,
    modelPicker: <span data-testid="model-slot" />,
    ...over,
  });

  it('offers three kinds as labelled radios, and no longer says the lists are not offered', () => {
    const p = props();
    const markup = renderToStaticMarkup(<AgentFormView {...p} />);
    expect(markup).toContain('<legend class="target-kinds__legend">Who answers</legend>');
    expect([...markup.matchAll(/<input type="radio"[^>]*value="([\w-]+)"[^>]*\/><span>([^<]+)<\/span>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['model', 'A model'],
      ['agent', 'A Bedrock Agent'],
      ['knowledge-base', 'A knowledge base'],
    ]);
    expect(markup).toMatch(/<input type="radio"[^>]*checked=""[^>]*value="agent"/);
    expect(markup).not.toContain('not offered');
    expect(markup).toContain('data-testid="target-directory"');
    // The agent's typed fields stay, with their labels.
    expect(markup).toMatch(/<label for="af-agentId">Agent ID<\/label>/);
    expect(markup).toMatch(/<label for="af-aliasId">Alias ID<\/label>/);
    expect(markup).toMatch(/<label for="af-name">Name you know it by \(optional\)<\/label>/);
    expect(markup).toMatch(/<h2 id="af-h" class="agent-form__title">Talk to a Bedrock Agent<\/h2>/);
    (find(AgentFormView(p), 'target-kind-knowledge-base').props.onChange as () => void)();
    expect(p.onKind).toHaveBeenCalledWith('knowledge-base');
  });

  it('for a knowledge base: its ID and name, and the model that writes the answer', () => {
    const markup = renderToStaticMarkup(<AgentFormView {...props({ draft: draft({ kind: 'knowledge-base' }) })} />);
    expect(markup).toMatch(/<h2 id="af-h" class="agent-form__title">Ask a knowledge base<\/h2>/);
    expect(markup).toMatch(/<label for="af-knowledgeBaseId">Knowledge base ID<\/label>/);
    expect(markup).toMatch(/<label for="af-knowledgeBaseName">Name you know it by \(optional\)<\/label>/);
    expect(markup).toContain('data-testid="model-slot"');
    expect(markup).not.toContain('agent-id-input');
    expect(visibleText(markup)).toContain('Ask this knowledge base');
    const refused = renderToStaticMarkup(
      <AgentFormView {...props({ draft: draft({ kind: 'knowledge-base', knowledgeBaseId: 'kb' }), problems: { knowledgeBaseId: KNOWLEDGE_BASE_ID_PROBLEM } })} />,
    );
    expect(refused).toContain(`<p id="af-knowledgeBaseId-problem" class="field-error" data-testid="kb-id-problem">${KNOWLEDGE_BASE_ID_PROBLEM}</p>`);
  });

  it('an agent picked fills the ID fields and is saved as the agent with a new session', () => {
    const choices = directoryChoices(DIRECTORY, 'agent');
    const picked = pickChoice(draft(), choices, 'agent:LIBRARIAN1:LIBLIVE001');
    expect(picked).toMatchObject({ agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Handbook librarian' });
    const checked = checkTarget(picked, { modelId: 'writer' }, () => 'session-1');
    expect(checked).toEqual({
      ok: true,
      patch: { agent: { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Handbook librarian', sessionId: 'session-1' } },
    });
    expect(conversationSettingsPatchSchema.safeParse((checked as { patch: unknown }).patch).success).toBe(true);
  });

  it('a knowledge base picked fills its fields and is saved with the model that answers, without a session', () => {
    const picked = pickChoice(draft({ kind: 'knowledge-base' }), directoryChoices(DIRECTORY, 'knowledge-base'), 'kb:KBHANDBOOK');
    expect(picked).toMatchObject({ knowledgeBaseId: 'KBHANDBOOK', knowledgeBaseName: 'Employee handbook' });
    const checked = checkTarget({ ...picked, modelId: 'writer' }, { modelId: 'other' });
    expect(checked).toEqual({ ok: true, patch: { knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' }, modelId: 'writer' } });
    expect(conversationSettingsPatchSchema.safeParse((checked as { patch: unknown }).patch).success).toBe(true);
    // Something not in the list leaves the fields as they were.
    expect(pickChoice(picked, directoryChoices(DIRECTORY, 'knowledge-base'), 'kb:GONE000000')).toBe(picked);
  });

  it('a typed knowledge base ID is trimmed, and names it while no name is typed', () => {
    expect(checkTarget(draft({ kind: 'knowledge-base', knowledgeBaseId: ' KBITGUIDES ' }), { modelId: 'writer' })).toEqual({
      ok: true,
      patch: { knowledgeBase: { knowledgeBaseId: 'KBITGUIDES', name: 'KBITGUIDES' }, modelId: 'writer' },
    });
    // Opened again, the name left empty follows the ID.
    const current = { modelId: 'writer', knowledgeBase: { knowledgeBaseId: 'KBITGUIDES', name: 'KBITGUIDES', sessionId: 'kb-s1' } };
    expect(targetDraftOf(current)).toMatchObject({ kind: 'knowledge-base', knowledgeBaseId: 'KBITGUIDES', knowledgeBaseName: '' });
    // The same knowledge base and model: the session carries on.
    expect(checkTarget({ ...targetDraftOf(current), knowledgeBaseName: 'IT guides' }, current)).toMatchObject({
      ok: true,
      patch: { knowledgeBase: { sessionId: 'kb-s1', name: 'IT guides' } },
    });
  });

  it.each([
    ['an ID too short', 'KB1', ''],
    ['an ID with a dash', 'KB-HANDBOO', ''],
    ['an empty ID', '', ''],
    ['a fine ID', 'KBHANDBOOK', ''],
    ['a name of 100 characters', 'KBHANDBOOK', 'x'.repeat(100)],
    ['a name of 101 characters', 'KBHANDBOOK', 'x'.repeat(101)],
  ])('judges a knowledge base with %s as the contract does', (_, knowledgeBaseId, knowledgeBaseName) => {
    const checked = checkTarget(draft({ kind: 'knowledge-base', knowledgeBaseId, knowledgeBaseName }), { modelId: 'writer' });
    const schema = knowledgeBaseConversationSchema.safeParse({ knowledgeBaseId, name: knowledgeBaseName || knowledgeBaseId || 'x' });
    expect(checked.ok).toBe(schema.success);
    if (!checked.ok && !schema.success) {
      const idIssue = schema.error.issues.find((i) => i.path[0] === 'knowledgeBaseId');
      if (idIssue) expect(checked.problems.knowledgeBaseId).toBe(idIssue.message);
      else expect(checked.problems.knowledgeBaseName).toBe('Keep the name to 100 characters or fewer.');
    }
  });

  it('a knowledge base needs the model that writes its answer', () => {
    expect(checkTarget(draft({ kind: 'knowledge-base', knowledgeBaseId: 'KBHANDBOOK', modelId: '' }), { modelId: '' })).toEqual({
      ok: false,
      problems: { modelId: 'Choose the model that writes the answer.' },
    });
  });

  it('back to the model alone clears the knowledge base (or the agent)', () => {
    const kb = { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' };
    expect(checkTarget(draft({ kind: 'model', modelId: 'writer' }), { modelId: 'writer', knowledgeBase: kb })).toEqual({
      ok: true,
      patch: { modelId: 'writer', knowledgeBase: null },
    });
    const agent = { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'L', sessionId: 's' };
    expect(checkTarget(draft({ kind: 'model', modelId: 'writer' }), { modelId: 'writer', agent })).toEqual({ ok: true, patch: { modelId: 'writer', agent: null } });
  });

  it("takes main's words for a knowledge-base field it refused", () => {
    expect(
      targetProblemsFromError({ code: 'invalid-input', message: 'x', fields: { 'settings.knowledgeBase.knowledgeBaseId': 'No such one.', 'settings.knowledgeBase.name': 'Too long.' } }),
    ).toEqual({ knowledgeBaseId: 'No such one.', knowledgeBaseName: 'Too long.' });
  });

  it('the start screen keeps one of agent and knowledge base, as main does, and creates the conversation with it', () => {
    const agent: AgentConversation = { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'L', sessionId: 's' };
    const kb: KnowledgeBaseConversation = { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' };
    const onKb = applyTargetPatch({ agent }, { knowledgeBase: kb, modelId: 'writer' });
    expect(onKb).toEqual({ knowledgeBase: kb });
    expect(newConversationSettings('writer', onKb)).toEqual({ modelId: 'writer', knowledgeBase: kb });
    expect(applyTargetPatch(onKb, { modelId: 'writer', knowledgeBase: null })).toEqual({});
  });
});

describe('the agents and knowledge bases listed', () => {
  it('loads the lists, and asks afresh each time without showing the last ones meanwhile; a refresh keeps them', async () => {
    let answer: (result: Result<AgentDirectory>) => void = ignore;
    const list = vi.fn(() => new Promise<Result<AgentDirectory>>((resolve) => (answer = resolve)));
    const store = createAgentDirectoryStore({ agents: { list } } as unknown as AgentDirectoryApi);
    const first = store.getState().load();
    expect(store.getState()).toMatchObject({ loading: true, directory: null });
    answer(ok(DIRECTORY));
    await first;
    expect(store.getState()).toMatchObject({ loading: false, directory: DIRECTORY, error: null });

    const refresh = store.getState().load(true);
    expect(store.getState()).toMatchObject({ loading: true, directory: DIRECTORY });
    answer({ ok: false, error: LIST_DENIED });
    await refresh;
    expect(store.getState()).toMatchObject({ loading: false, directory: null, error: LIST_DENIED });

    void store.getState().load();
    store.getState().reset();
    answer(ok(DIRECTORY));
    await Promise.resolve();
    expect(store.getState()).toMatchObject({ loading: false, directory: null });
    expect(list).toHaveBeenCalledTimes(3);
  });
});

describe('a knowledge base conversation', () => {
  const KB: KnowledgeBaseConversation = { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook', sessionId: 'bedrock-session-1' };
  const conversation = (settings: Partial<Conversation['settings']>): Conversation => ({
    id: 'c1',
    title: 'Leave',
    createdAt: 1,
    updatedAt: 1,
    modelId: 'writer',
    messageCount: 0,
    preview: '',
    settings: { modelId: 'writer', systemPrompt: '', ...settings },
    messages: [],
  });

  function setup(settings: Partial<Conversation['settings']>) {
    const updateSettings = vi.fn(({ settings: patch }: { id: string; settings: ConversationSettingsPatch }) => {
      const kb = patch.knowledgeBase ?? undefined;
      return Promise.resolve(ok(conversation(kb ? { knowledgeBase: kb } : patch.agent ? { agent: patch.agent } : {})));
    });
    const api = {
      conversations: {
        list: vi.fn(() => Promise.resolve(ok({ items: [], nextCursor: null }))),
        get: vi.fn(() => Promise.resolve(ok(conversation(settings)))),
        updateSettings,
        onChanged: () => () => {},
      },
      app: {},
    };
    const store = createConversationsStore(api as unknown as ConversationsApi);
    return { store, updateSettings };
  }

  it('"New session" asks for the knowledge base again without its session id', async () => {
    const { store, updateSettings } = setup({ knowledgeBase: KB });
    await store.getState().select('c1');
    expect(await store.getState().newSession()).toBe(true);
    expect(updateSettings).toHaveBeenCalledWith({ id: 'c1', settings: { knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' } } });
    expect(store.getState().renewedSession?.conversationId).toBe('c1');
    expect(newSessionPatch({ knowledgeBase: KB })).toEqual({ knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' } });
  });

  it('"New session" gives an agent a new session id, as before', async () => {
    const agent: AgentConversation = { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Librarian', sessionId: 'old' };
    const { store, updateSettings } = setup({ agent });
    await store.getState().select('c1');
    await store.getState().newSession();
    const sent = updateSettings.mock.calls[0]![0].settings.agent!;
    expect(sent).toMatchObject({ agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Librarian' });
    expect(sent.sessionId).not.toBe('old');
    // Another agent afterwards: the new session is no longer news.
    await store.getState().updateSettings({ agent: { ...agent, agentId: 'CLOCKDESK1' } });
    expect(store.getState().renewedSession).toBeNull();
  });

  it('the target controls show the knowledge base and the model that writes its answers', () => {
    const stores = { models: modelsStore() } as unknown as AppStores;
    const markup = renderToStaticMarkup(
      <StoresProvider stores={stores}>
        <TargetControls
          modelId="writer"
          onModel={ignore}
          agent={undefined}
          knowledgeBase={KB}
          formOpen={false}
          formId="f"
          onToggleForm={ignore}
          buttonRef={{ current: null }}
          onNewSession={ignore}
        />
      </StoresProvider>,
    );
    const text = visibleText(markup);
    expect(markup).toMatch(/<span class="agent-target__label">Knowledge base<\/span>/);
    expect(markup).toMatch(/data-testid="knowledge-base-header-name"[^>]*>Employee handbook<\/span>/);
    expect(markup).toMatch(/<label for="[^"]+" class="model-picker__label">Answers written by<\/label>/);
    expect(markup).toMatch(/<option value="writer" selected="">Claude Writer<\/option>/);
    expect(text).toContain('Change knowledge base');
    expect(text).toContain('New session');
    expect(text).not.toContain('Bedrock Agent');
  });
});

describe('a knowledge base answer', () => {
  const text = 'You can carry over five days. Ask HR for more.';
  const answer = (over: Partial<AgentAnswer> = {}): AgentAnswer => ({
    name: 'Employee handbook',
    steps: [],
    sources: [{ number: 1, kind: 's3', location: 's3://handbook/leave.pdf', passage: 'Up to five days carry over.' }],
    citations: [{ start: 0, end: 29, sources: [1] }],
    ...over,
  });
  const message = (agent: AgentAnswer): ChatMessage => ({ id: 'a1', role: 'assistant', text, createdAt: 1, status: 'complete', modelId: 'writer', agent });

  it('renders its references and sources as an agent answer does, with no empty trace timeline', () => {
    const markup = renderToStaticMarkup(<AgentReply message={message(answer())} agent={answer()} last busy={false} onLink={ignore} />);
    expect(markup).toMatch(/You can carry over five days\.<span class="citation-refs"><button[^>]*aria-label="Source 1: s3:\/\/handbook\/leave.pdf"/);
    expect(markup).toContain('data-testid="sources-list"');
    expect(markup).not.toContain('data-testid="trace"');
    expect(markup).not.toContain('what the agent did');
  });

  it('shows a single step main adds, as a timeline of one step', () => {
    const steps = [{ id: 'r1', kind: 'knowledge-base' as const, title: 'Searched Employee handbook', raw: [] }];
    const markup = renderToStaticMarkup(<AgentReply message={message(answer({ steps }))} agent={answer({ steps })} last busy={false} onLink={ignore} />);
    expect(markup).toContain('data-testid="trace"');
    expect(visibleText(markup)).toContain('Show what the agent did · 1 step');
  });
});

describe('an answer whose session expired', () => {
  const expired: AppError = {
    code: 'agent-session-expired',
    message: 'The session with Employee handbook has ended.',
    action: 'Start a new session, then ask again.',
  };
  const failed = (error: AppError): ChatMessage => ({ id: 'a1', role: 'assistant', text: '', createdAt: 5, status: 'interrupted', error });

  it('says its message and what to do, with a "New session" button that starts one', () => {
    const onStart = vi.fn();
    const props = { message: failed(expired), busy: false, onFix: ignore, newSession: { onStart, renewed: false } };
    const markup = renderToStaticMarkup(<InterruptionView {...props} />);
    const words = visibleText(markup);
    expect(words).toContain('The session with Employee handbook has ended.');
    expect(words).toContain('What to do: Start a new session, then ask again.');
    expect(markup).toMatch(/<button[^>]*data-testid="error-new-session"[^>]*>New session<\/button>/);
    const button = find(InterruptionView(props), 'error-new-session');
    expect(button.props.disabled).toBe(false);
    (button.props.onClick as () => void)();
    expect(onStart).toHaveBeenCalledOnce();
    expect(find(InterruptionView({ ...props, busy: true }), 'error-new-session').props.disabled).toBe(true);
  });

  it('once the session is new, says so instead; other errors have no such button', () => {
    const renewed = renderToStaticMarkup(<InterruptionView message={failed(expired)} busy={false} onFix={ignore} newSession={{ onStart: ignore, renewed: true }} />);
    expect(renewed).not.toContain('error-new-session');
    expect(visibleText(renewed)).toContain('New session started. Ask again, or choose Regenerate.');
    const other = renderToStaticMarkup(
      <InterruptionView message={failed({ code: 'throttled', message: 'Too many requests.' })} busy={false} onFix={ignore} />,
    );
    expect(other).not.toContain('error-new-session');
  });
});

describe('editing an ID by hand', () => {
  const kb = { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook', sessionId: 's-1' };
  const agent = { agentId: 'ORDERDESK1', aliasId: 'ORDLIVE001', name: 'Order desk', sessionId: 'a-1' };

  it("empties the name filled in for the conversation's knowledge base or agent once the ID is another", () => {
    const current = { modelId: 'm', knowledgeBase: kb };
    const draft = targetDraftOf(current);
    const edited = withEdit(draft, { knowledgeBaseId: 'KBENGWIKI1' }, current);
    expect(edited).toMatchObject({ knowledgeBaseId: 'KBENGWIKI1', knowledgeBaseName: '' });
    const check = checkTarget(edited, current);
    expect(check.ok && check.patch.knowledgeBase).toEqual({ knowledgeBaseId: 'KBENGWIKI1', name: 'KBENGWIKI1' });
    // Back to its own ID, or a name the person typed: kept.
    expect(withEdit(draft, { knowledgeBaseId: 'KBHANDBOOK' }, current).knowledgeBaseName).toBe('Employee handbook');
    const typed = withEdit(draft, { knowledgeBaseName: 'Wiki' }, current);
    expect(withEdit(typed, { knowledgeBaseId: 'KBENGWIKI1' }, current).knowledgeBaseName).toBe('Wiki');

    const withAgent = { modelId: 'm', agent };
    expect(withEdit(targetDraftOf(withAgent), { agentId: 'CLOCKDESK1' }, withAgent)).toMatchObject({ agentId: 'CLOCKDESK1', name: '' });
    // A pick from the list fills ID and name together: the picked name stays.
    expect(withEdit(targetDraftOf(withAgent), { agentId: 'CLOCKDESK1', aliasId: 'CLKLIVE001', name: 'Local time' }, withAgent).name).toBe('Local time');
  });
});

describe('saving the knowledge base unchanged', () => {
  it('sends nothing to change, so the session Bedrock gave carries on', () => {
    // This window has not heard of the session main keeps: saving the form as it is must not end it.
    const current = { modelId: 'm', knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' } };
    expect(checkTarget(targetDraftOf(current), current)).toEqual({ ok: true, patch: {} });
    const renamed = checkTarget({ ...targetDraftOf(current), knowledgeBaseName: 'Handbook' }, current);
    expect(renamed.ok && renamed.patch.knowledgeBase).toEqual({ knowledgeBaseId: 'KBHANDBOOK', name: 'Handbook' });
  });
});
