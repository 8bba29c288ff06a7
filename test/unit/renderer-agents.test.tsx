import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { agentConversationSchema, type AgentActionRequest, type AgentAnswer, type AgentTraceStep, type ChatMessage } from '../../preload/contract';
import { reuseUnchanged } from '../../renderer/src/agents/agent-answer';
import {
  AGENT_ID_PROBLEM,
  ALIAS_ID_PROBLEM,
  checkAgentDraft,
  draftOf,
  problemsFromError,
  newSessionId,
  type AgentDraft,
} from '../../renderer/src/agents/agent-form';
import { AGENT_SESSION_ID_PATTERN } from '../../preload/limits';
import { decisionWords, stepMeta, stepTitle, traceToggleText } from '../../renderer/src/agents/agent-words';
import { ActionCardView, EMPTY_RESULT_PROBLEM, type ActionCardViewProps } from '../../renderer/src/agents/ActionCard';
import { AgentReply } from '../../renderer/src/agents/AgentReply';
import { AgentFormView, type AgentFormViewProps } from '../../renderer/src/agents/AgentTarget';
import { CitationContext, type CitationTarget } from '../../renderer/src/agents/CitationRefs';
import { citationMarks, CitedText, markText, splitMarks, stripMarks } from '../../renderer/src/agents/citations';
import { TraceTimeline, TraceTimelineView } from '../../renderer/src/agents/TraceTimeline';
import { Markdown } from '../../renderer/src/chat/Markdown';
import { MarkdownStream } from '../../renderer/src/chat/markdown-blocks';
import { findAll, find, visibleText } from './react-tree';

const ignore = () => {};

const ANSWER = 'You can carry over five days. Your manager approves it in the HR portal. Ask HR for more.';
const first = ANSWER.indexOf('. ') + 1; // after "five days."
const second = ANSWER.indexOf('portal.') + 'portal.'.length;

const agentAnswer = (over: Partial<AgentAnswer> = {}): AgentAnswer => ({
  name: 'Handbook librarian',
  steps: [],
  sources: [
    { number: 1, kind: 's3', location: 's3://handbook/leave.pdf', passage: 'Up to five days carry over.' },
    { number: 2, kind: 'web', location: 'https://intranet.example.com/hr/leave', passage: 'Managers approve in the HR portal.' },
  ],
  // The second span includes the space after its sentence, as a service's span may.
  citations: [
    { start: 0, end: first, sources: [1] },
    { start: first + 1, end: second + 1, sources: [2, 1] },
  ],
  ...over,
});
const agentMessage = (agent: AgentAnswer, over: Partial<ChatMessage> = {}): ChatMessage => ({
  id: 'a1',
  role: 'assistant',
  text: ANSWER,
  createdAt: 1,
  status: 'complete',
  agent,
  ...over,
});

const step = (id: string, kind: AgentTraceStep['kind'], over: Partial<AgentTraceStep> = {}): AgentTraceStep => ({
  id,
  kind,
  title: `Step ${id}`,
  raw: [{ trace: id }],
  ...over,
});

describe('citations: numbered references after the sentences they support', () => {
  it('places each reference at the end of its sentence, before the space after it, and merges references at one place', () => {
    const marks = citationMarks(ANSWER, [...agentAnswer().citations, { start: 0, end: first, sources: [2, 1] }]);
    expect(marks).toEqual([
      { at: first, numbers: [1, 2] },
      { at: second, numbers: [2, 1] },
    ]);
  });

  it('holds back a reference whose sentence has not fully arrived', () => {
    expect(citationMarks(ANSWER.slice(0, first - 3), [{ start: 0, end: first, sources: [1] }])).toEqual([]);
  });

  it('never writes into a code fence line, where it would stop the fence closing', () => {
    const text = 'Run this:\n```\nls\n```\nDone.';
    const end = text.indexOf('```\nDone') + 3;
    expect(citationMarks(text, [{ start: 0, end, sources: [1] }])).toEqual([]);
  });

  it('marks, splits and strips as one: the text without its markers is the answer as written', () => {
    const marks = citationMarks(ANSWER, agentAnswer().citations);
    const marked = markText(ANSWER, marks);
    expect(stripMarks(marked)).toBe(ANSWER);
    const pieces = splitMarks(marked);
    expect(pieces).toEqual(['You can carry over five days.', [1], ' Your manager approves it in the HR portal.', [2, 1], ' Ask HR for more.']);
  });

  it('draws the references after the right sentences, as buttons that say which source they open', () => {
    const markup = renderToStaticMarkup(<AgentReply message={agentMessage(agentAnswer())} agent={agentAnswer()} last busy={false} onLink={ignore} />);
    const text = visibleText(/<div class="markdown">([\s\S]*?)<\/div>/.exec(markup)![1]!);
    expect(text).toBe('You can carry over five days.[1] Your manager approves it in the HR portal.[2][1] Ask HR for more.');
    const refs = [...markup.matchAll(/<button[^>]*data-testid="citation-ref"[^>]*>/g)].map((m) => m[0]);
    expect(refs).toHaveLength(3);
    expect(refs[0]).toContain('aria-label="Source 1: s3://handbook/leave.pdf"');
    expect(refs[0]).toContain('aria-expanded="false"');
    expect(refs[1]).toContain('data-source="2"');
  });

  it('lists the sources under the answer, a web page as a link, and opens no panel until asked', () => {
    const markup = renderToStaticMarkup(<AgentReply message={agentMessage(agentAnswer())} agent={agentAnswer()} last busy={false} onLink={ignore} />);
    const list = /<ol class="sources__list" data-testid="sources-list">([\s\S]*?)<\/ol>/.exec(markup)![1]!;
    expect(visibleText(list)).toContain('[1]s3://handbook/leave.pdf');
    expect(list).toContain('<a class="source-location" href="https://intranet.example.com/hr/leave"');
    expect(markup).not.toContain('data-testid="source-panel"');
  });

  it('keeps references out of code, and follows a link with its references instead of putting a button in it', () => {
    const text = 'Use `leave` and see [the portal](https://hr.example.com) or [HR](https://hr.example.com/ask). Done.';
    const inCode = text.indexOf('leave`') + 3;
    const inLinkText = text.indexOf('portal]') + 3;
    const inAddress = text.indexOf('/ask)') + 2;
    const citations = [
      { start: 0, end: inCode, sources: [1] },
      { start: 0, end: inLinkText, sources: [2] },
      { start: 0, end: inAddress, sources: [3] },
    ];
    // A reference that would land in a link's address goes after the link.
    expect(citationMarks(text, citations).at(-1)).toEqual({ at: text.indexOf('/ask)') + 5, numbers: [3] });
    const marked = markText(text, citationMarks(text, citations));
    const target: CitationTarget = { open: null, panelId: 'p', toggle: ignore, label: (n) => `Source ${n}` };
    const markup = renderToStaticMarkup(
      <CitationContext.Provider value={target}>
        <Markdown text={marked} onLink={ignore} />
      </CitationContext.Provider>,
    );
    expect(markup).toContain('<code class="md-code">leave</code>');
    expect(markup).toMatch(/<a href="https:\/\/hr.example.com\/"[^>]*>the portal<\/a><span class="citation-refs"><button[^>]*data-source="2"/);
    expect(markup).toMatch(/<a href="https:\/\/hr.example.com\/ask"[^>]*>HR<\/a><span class="citation-refs"><button[^>]*data-source="3"/);
    expect(markup).not.toContain('\uE000');
  });

  it('outside an agent\'s answer, markers are dropped, never shown', () => {
    const markup = renderToStaticMarkup(<Markdown text={markText('One. Two.', [{ at: 4, numbers: [1] }])} onLink={ignore} />);
    expect(visibleText(markup)).toBe('One. Two.');
  });

  it('says where the marked text changed, so a reference landing in a finished block renders it again', () => {
    const cited = new CitedText();
    expect(cited.update('One. Two.', []).changedFrom).toBe(Infinity);
    // The text grows: nothing before it changed.
    expect(cited.update('One. Two. Three.', []).changedFrom).toBe(Infinity);
    // A reference after "One." lands in text already shown.
    const { text, changedFrom } = cited.update('One. Two. Three.', [{ start: 0, end: 4, sources: [1] }]);
    expect(changedFrom).toBe(4);
    expect(stripMarks(text)).toBe('One. Two. Three.');
    // The same again: nothing changed.
    expect(cited.update('One. Two. Three. Four.', [{ start: 0, end: 4, sources: [1] }]).changedFrom).toBe(Infinity);

    const stream = new MarkdownStream();
    stream.update('First paragraph.\n\nSecond paragraph.\n\nThird');
    const at = 'First paragraph.'.length;
    const marked = markText('First paragraph.\n\nSecond paragraph.\n\nThird', [{ at, numbers: [1] }]);
    const snapshot = stream.update(marked, 'streaming', at);
    expect((snapshot.finished[0]!.token as { raw: string }).raw).toContain('\uE000');
  });
});

describe('trace timeline', () => {
  const steps = [
    step('t1', 'pre-processing', { usage: { inputTokens: 1200, outputTokens: 34 }, ms: 310 }),
    step('t2', 'knowledge-base', { result: '2 passages', ms: 1800 }),
    step('t3', 'guardrail', { title: 'The guardrail stepped in', raw: [{ guardrailTrace: { action: 'INTERVENED' } }] }),
    step('t4', 'failure', { title: 'Failed: the Lambda timed out' }),
  ];

  it('is collapsed by default: one button says how many steps, no step is drawn', () => {
    const markup = renderToStaticMarkup(<TraceTimeline steps={steps} streaming={false} />);
    expect(markup).toContain('aria-expanded="false"');
    expect(visibleText(markup)).toContain('Show what the agent did · 4 steps');
    expect(markup).not.toContain('data-testid="trace-step"');
  });

  it('opens with one click on its toggle, and then shows each step with its kind, result, tokens and time', () => {
    const onToggle = vi.fn();
    const closed = TraceTimelineView({ id: 'tr', steps, streaming: false, open: false, onToggle, rawOpen: new Set(), onToggleRaw: ignore });
    const toggle = find(closed, 'trace-toggle');
    (toggle.props.onClick as () => void)();
    expect(onToggle).toHaveBeenCalledOnce();

    const markup = renderToStaticMarkup(
      <TraceTimelineView id="tr" steps={steps} streaming={false} open onToggle={ignore} rawOpen={new Set()} onToggleRaw={ignore} />,
    );
    expect(markup).toContain('aria-expanded="true"');
    expect(visibleText(markup)).toContain('Hide what the agent did · 4 steps');
    expect([...markup.matchAll(/data-testid="trace-step" data-kind="([\w-]+)"/g)].map((m) => m[1])).toEqual([
      'pre-processing',
      'knowledge-base',
      'guardrail',
      'failure',
    ]);
    const text = visibleText(markup);
    expect(text).toContain('1,200 in · 34 out tokens · 310 ms');
    expect(text).toContain('2 passages');
    expect(text).toContain('1.8 s');
  });

  it('marks failures and guardrail interventions in words and shape, not colour alone', () => {
    const markup = renderToStaticMarkup(
      <TraceTimelineView id="tr" steps={steps} streaming={false} open onToggle={ignore} rawOpen={new Set()} onToggleRaw={ignore} />,
    );
    expect(markup).toMatch(/class="trace-step trace-step--guardrail trace-step--intervened trace-step--alarm"[^>]*data-intervened="true"/);
    expect(markup).toContain('Guardrail stepped in');
    expect(markup).toMatch(/class="trace-step trace-step--failure trace-step--alarm"/);
    expect(markup).toContain('>Failure<');
    // A guardrail that let the answer through is not alarming.
    const passed = renderToStaticMarkup(
      <TraceTimelineView id="tr" steps={[step('g', 'guardrail', { raw: [{ guardrailTrace: { action: 'NONE' } }] })]} streaming={false} open onToggle={ignore} rawOpen={new Set()} onToggleRaw={ignore} />,
    );
    expect(passed).not.toContain('trace-step--alarm');
  });

  it('turns a step\'s raw events into JSON only when that step is expanded', () => {
    const toJSON = vi.fn(() => ({ orchestrationTrace: { rationale: { text: 'I will search' } } }));
    const raw = [step('r1', 'thinking', { raw: [{ toJSON }] }), step('r2', 'answer')];
    const collapsed = renderToStaticMarkup(
      <TraceTimelineView id="tr" steps={raw} streaming={false} open onToggle={ignore} rawOpen={new Set()} onToggleRaw={ignore} />,
    );
    expect(collapsed).not.toContain('trace-step-raw');
    expect(toJSON).not.toHaveBeenCalled();

    const expanded = renderToStaticMarkup(
      <TraceTimelineView id="tr" steps={raw} streaming={false} open onToggle={ignore} rawOpen={new Set(['0:r1'])} onToggleRaw={ignore} />,
    );
    expect(toJSON).toHaveBeenCalled();
    const pre = /<pre[^>]*data-testid="trace-step-raw"[^>]*>([\s\S]*?)<\/pre>/.exec(expanded)!;
    expect(JSON.parse(visibleText(pre[1]!))).toEqual([{ orchestrationTrace: { rationale: { text: 'I will search' } } }]);
    expect(visibleText(pre[1]!)).toContain('\n    "orchestrationTrace": {');
    expect(expanded.match(/data-testid="trace-step-raw"/g)).toHaveLength(1);
  });

  it('while the answer streams, the folded timeline says the latest step', () => {
    const markup = renderToStaticMarkup(<TraceTimeline steps={steps.slice(0, 2)} streaming />);
    expect(visibleText(markup)).toContain('Latest step: Step t2');
  });

  it('says what each step cost, when the trace says', () => {
    expect(stepMeta(step('a', 'thinking'))).toBeNull();
    expect(stepMeta(step('a', 'thinking', { ms: 999 }))).toBe('999 ms');
    expect(traceToggleText(1, false)).toBe('Show what the agent did · 1 step');
  });
});

describe('an agent answer kept from frame to frame', () => {
  const before = agentAnswer({ steps: [step('s1', 'thinking'), step('s2', 'knowledge-base')] });
  // What IPC hands over: the same answer, every object new.
  const copy = (answer: AgentAnswer): AgentAnswer => structuredClone(answer);

  it('is the same object when nothing changed, so nothing that shows it draws again', () => {
    expect(reuseUnchanged(before, copy(before))).toBe(before);
  });

  it('keeps each unchanged step, and takes the new and changed ones', () => {
    const next = copy(before);
    next.steps[1] = { ...next.steps[1]!, result: '2 passages', raw: [...next.steps[1]!.raw, { more: true }] };
    next.steps.push(step('s3', 'answer'));
    const kept = reuseUnchanged(before, next);
    expect(kept).not.toBe(before);
    expect(kept.steps[0]).toBe(before.steps[0]);
    expect(kept.steps[1]).toBe(next.steps[1]);
    expect(kept.steps[2]).toBe(next.steps[2]);
    expect(kept.sources).toBe(before.sources);
    expect(kept.citations).toBe(before.citations);
  });

  it('takes a decision once main sets it', () => {
    const action: AgentActionRequest = { invocationId: 'i1', kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [] };
    const waiting = { ...before, action };
    const decided = reuseUnchanged(waiting, { ...copy(waiting), decision: { kind: 'confirmed' } });
    expect(decided.decision).toEqual({ kind: 'confirmed' });
    expect(decided.action).toBe(action);
  });
});

describe('action card', () => {
  const confirm: AgentActionRequest = {
    invocationId: 'inv-1',
    kind: 'confirm',
    actionGroup: 'orders',
    operation: 'cancelOrder',
    parameters: [
      { name: 'orderId', value: '1234' },
      { name: 'reason', value: 'Ordered twice' },
    ],
  };
  const result: AgentActionRequest = { invocationId: 'inv-2', kind: 'result', actionGroup: 'device', operation: 'getLocalTime', parameters: [] };
  const props = (over: Partial<ActionCardViewProps> = {}): ActionCardViewProps => ({
    id: 'card',
    agentName: 'Cancellations',
    action: confirm,
    decision: undefined,
    answerable: true,
    busy: false,
    sending: null,
    text: '',
    problem: null,
    onText: vi.fn(),
    onConfirm: vi.fn(),
    onSubmitText: vi.fn(),
    ...over,
  });

  it('says what the agent will run, with each detail it passes, and waits for Approve or Deny', () => {
    const markup = renderToStaticMarkup(<ActionCardView {...props()} />);
    const text = visibleText(markup);
    expect(text).toContain('The agent asks for your approval');
    expect(text).toContain('Cancellations wants to run cancelOrder in the action group orders.');
    expect(text).toContain('orderId:1234');
    expect(text).toContain('reason:Ordered twice');
    expect(text).toContain('Nothing runs until you choose.');
    expect(markup).toContain('data-testid="action-approve"');
    expect(markup).toContain('data-testid="action-deny"');
    expect(markup).not.toContain('data-testid="action-decision"');
  });

  it('Approve confirms and Deny denies; nothing is sent before the click', () => {
    const p = props();
    const view = ActionCardView(p);
    expect(p.onConfirm).not.toHaveBeenCalled();
    (find(view, 'action-approve').props.onClick as () => void)();
    expect(p.onConfirm).toHaveBeenLastCalledWith(true);
    (find(view, 'action-deny').props.onClick as () => void)();
    expect(p.onConfirm).toHaveBeenLastCalledWith(false);
  });

  it('disables its buttons while the answer is on its way, and says what is happening', () => {
    const sending = ActionCardView(props({ sending: 'approve' }));
    expect(find(sending, 'action-approve').props.disabled).toBe(true);
    expect(find(sending, 'action-deny').props.disabled).toBe(true);
    expect(visibleText(renderToStaticMarkup(<ActionCardView {...props({ sending: 'approve' })} />))).toContain('Approving…');
    const streaming = ActionCardView(props({ busy: true }));
    expect(find(streaming, 'action-approve').props.disabled).toBe(true);
    expect(visibleText(renderToStaticMarkup(<ActionCardView {...props({ busy: true })} />))).toContain('You can choose once the agent has finished writing.');
    expect(find(ActionCardView(props()), 'action-approve').props.disabled).toBe(false);
  });

  it('asks for a typed answer when the agent asks Strata, and sends what was typed', () => {
    const p = props({ action: result, text: '10:42' });
    const markup = renderToStaticMarkup(<ActionCardView {...p} />);
    expect(visibleText(markup)).toContain('Cancellations asks Strata for getLocalTime in the action group device.');
    expect(markup).toMatch(/<label for="card-input"[^>]*>Your answer for the agent<\/label>/);
    expect(markup).not.toContain('action-approve');
    const view = ActionCardView(p);
    (find(view, 'action-result-input').props.onChange as (e: unknown) => void)({ target: { value: '10:43' } });
    expect(p.onText).toHaveBeenCalledWith('10:43');
    expect(find(view, 'action-result-send').props.type).toBe('submit');
    const [formElement] = findAll(view, (e) => e.type === 'form');
    const preventDefault = vi.fn();
    (formElement!.props.onSubmit as (e: unknown) => void)({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(p.onSubmitText).toHaveBeenCalledOnce();
  });

  it('shows a problem with the typed answer beside its box', () => {
    const markup = renderToStaticMarkup(<ActionCardView {...props({ action: result, problem: EMPTY_RESULT_PROBLEM })} />);
    expect(markup).toMatch(/<input[^>]*aria-invalid="true"[^>]*aria-describedby="card-problem card-note"/);
    expect(markup).toContain(`<p id="card-problem" class="field-error">${EMPTY_RESULT_PROBLEM}</p>`);
  });

  it.each([
    [{ kind: 'confirmed' } as const, 'You approved this.'],
    [{ kind: 'denied' } as const, 'You denied this.'],
    [{ kind: 'answered', text: '10:42' } as const, 'You answered: “10:42”'],
    [{ kind: 'denied', because: 'moved-on' } as const, 'Denied: you asked something else instead.'],
    [{ kind: 'denied', because: 'signed-out' } as const, 'Denied: you signed out before choosing.'],
    [{ kind: 'denied', because: 'closed' } as const, 'Denied: Strata closed before you chose.'],
    [{ kind: 'denied', because: 'stopped' } as const, 'Denied: you stopped the answer before choosing.'],
  ])('after a decision (%j) says it in words, with no buttons left', (decision, words) => {
    expect(decisionWords(decision)).toBe(words);
    const markup = renderToStaticMarkup(<ActionCardView {...props({ decision })} />);
    expect(markup).toMatch(new RegExp(`data-testid="action-decision" data-decision="${decision.kind}">.*${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(markup).not.toContain('action-approve');
    expect(markup).not.toContain('action-result-input');
    expect(visibleText(markup)).toContain('The agent asked for your approval');
  });

  it('an action left behind by the conversation cannot be answered any more', () => {
    const markup = renderToStaticMarkup(<ActionCardView {...props({ answerable: false })} />);
    expect(markup).not.toContain('action-approve');
    expect(visibleText(markup)).toContain('Not answered: the conversation went on.');
  });
});

describe('agent form', () => {
  const draft = (over: Partial<AgentDraft> = {}): AgentDraft => ({ agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Handbook librarian', ...over });

  it('accepts typed IDs, trimming spaces, names the agent by its ID when no name is given, and starts a new session', () => {
    const checked = checkAgentDraft(draft({ agentId: ' LIBRARIAN1 ', name: '  ' }), undefined, () => 'session-1');
    expect(checked).toEqual({ ok: true, agent: { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'LIBRARIAN1', sessionId: 'session-1' } });
  });

  it('keeps the session when only the name changes, and starts a new one for another agent or alias', () => {
    const current = { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Librarian', sessionId: 'old' };
    expect(checkAgentDraft(draft(), current, () => 'new')).toMatchObject({ ok: true, agent: { sessionId: 'old', name: 'Handbook librarian' } });
    expect(checkAgentDraft(draft({ aliasId: 'TSTALIASID' }), current, () => 'new')).toMatchObject({ ok: true, agent: { sessionId: 'new' } });
  });

  it('a name that was the agent ID follows the ID when the form is used again', () => {
    expect(draftOf({ agentId: 'CLOCKDESK1', aliasId: 'CLKLIVE001', name: 'CLOCKDESK1', sessionId: 's1' }).name).toBe('');
    expect(draftOf({ agentId: 'CLOCKDESK1', aliasId: 'CLKLIVE001', name: 'Local time', sessionId: 's1' }).name).toBe('Local time');
  });

  it.each([
    ['an agent ID too short', draft({ agentId: 'LIB1' })],
    ['an agent ID with a space', draft({ agentId: 'LIBRA RIAN' })],
    ['an agent ID with punctuation', draft({ agentId: 'LIBRARIAN-' })],
    ['an empty agent ID', draft({ agentId: '' })],
    ['an alias ID too long', draft({ aliasId: 'LIBLIVE0012' })],
    ['an empty alias ID', draft({ aliasId: '' })],
    ['the test alias', draft({ aliasId: 'TSTALIASID' })],
    ['lower-case IDs', draft({ agentId: 'librarian1', aliasId: 'liblive001' })],
    ['a name of 100 characters', draft({ name: 'x'.repeat(100) })],
    ['a name of 101 characters', draft({ name: 'x'.repeat(101) })],
  ])('judges %s as the contract does, with its words', (_, typed) => {
    const checked = checkAgentDraft(typed, undefined, () => 'session-1');
    const schema = agentConversationSchema.safeParse({
      agentId: typed.agentId.trim(),
      aliasId: typed.aliasId.trim(),
      name: typed.name.trim() || typed.agentId.trim(),
      sessionId: 'session-1',
    });
    expect(checked.ok).toBe(schema.success);
    if (checked.ok || schema.success) return;
    for (const issue of schema.error.issues) {
      const field = issue.path[0] as keyof AgentDraft;
      // The name's only limit has no words in the schema; the form says it in its own.
      if (field === 'name') expect(checked.problems.name).toBe('Keep the name to 100 characters or fewer.');
      else expect(checked.problems[field]).toBe(issue.message);
    }
    expect(Object.keys(checked.problems).sort()).toEqual([...new Set(schema.error.issues.map((i) => String(i.path[0])))].sort());
  });

  /** The target form's props, on the agent with `draft`'s fields, the directory not yet asked for. */
  const formProps = (over: Partial<AgentFormViewProps> = {}): AgentFormViewProps => ({
    id: 'af',
    current: { modelId: 'writer' },
    draft: { kind: 'agent', knowledgeBaseId: '', knowledgeBaseName: '', modelId: 'writer', ...draft() },
    problems: {},
    saving: false,
    directory: null,
    loading: false,
    error: null,
    onKind: ignore,
    onChange: ignore,
    onPick: ignore,
    onRefresh: ignore,
    onSubmit: ignore,
    onCancel: ignore,
    modelPicker: null,
    ...over,
  });

  it('says each problem beside its field, and marks the box', () => {
    const markup = renderToStaticMarkup(
      <AgentFormView
        {...formProps({
          draft: { kind: 'agent', knowledgeBaseId: '', knowledgeBaseName: '', modelId: 'writer', ...draft({ agentId: 'bad', aliasId: '' }) },
          problems: { agentId: AGENT_ID_PROBLEM, aliasId: ALIAS_ID_PROBLEM },
        })}
      />,
    );
    expect(markup).toMatch(/<input[^>]*id="af-agentId"[^>]*aria-invalid="true"[^>]*aria-describedby="af-agentId-problem af-agentId-hint"[^>]*data-testid="agent-id-input"/);
    expect(markup).toContain(`<p id="af-agentId-problem" class="field-error" data-testid="agent-id-problem">${AGENT_ID_PROBLEM}</p>`);
    expect(markup).toContain(`<p id="af-aliasId-problem" class="field-error" data-testid="agent-alias-problem">${ALIAS_ID_PROBLEM.replace("'", '&#x27;')}</p>`);
    expect(markup).toMatch(/<input[^>]*id="af-name"[^>]*aria-invalid="false"/);
    expect(markup).toMatch(/<label for="af-name">Name you know it by \(optional\)<\/label>/);
    // No agent yet: saving says what it does.
    expect(visibleText(markup)).toContain('Talk to this agent');
  });

  it('goes back to a model by choosing "A model" as who answers', () => {
    const onKind = vi.fn();
    const current = { modelId: 'writer', agent: { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Librarian', sessionId: 's1' } };
    const view = AgentFormView(formProps({ current, onKind }));
    (find(view, 'target-kind-model').props.onChange as () => void)();
    expect(onKind).toHaveBeenCalledWith('model');
    expect(find(view, 'agent-save').props.type).toBe('submit');
    const onModel = renderToStaticMarkup(
      <AgentFormView {...formProps({ current, draft: { ...formProps().draft, kind: 'model' }, modelPicker: <span data-testid="picker-slot" /> })} />,
    );
    expect(visibleText(onModel)).toContain('Talk to this model');
    expect(onModel).toContain('data-testid="picker-slot"');
    expect(onModel).not.toContain('agent-id-input');
  });

  it('takes main\'s words for a field it refused', () => {
    expect(problemsFromError({ code: 'invalid-input', message: 'x', fields: { 'settings.agent.aliasId': 'Not that alias.', 'settings.modelId': 'y' } })).toEqual({
      aliasId: 'Not that alias.',
    });
  });

  it('makes session ids the agent accepts', () => {
    const id = newSessionId();
    expect(id).toMatch(AGENT_SESSION_ID_PATTERN);
    expect(agentConversationSchema.shape.sessionId.safeParse(id).success).toBe(true);
    expect(newSessionId()).not.toBe(id);
  });
});

describe("a step's title beside its label", () => {
  it('does not say the label twice, and leaves other titles as they are', () => {
    const step = (kind: AgentTraceStep['kind'], title: string): AgentTraceStep => ({ id: 'x', kind, title, raw: [] });
    expect(stepTitle(step('thinking', 'Thinking: I will search the handbook.'))).toBe('I will search the handbook.');
    expect(stepTitle(step('thinking', 'Thinking'))).toBe('Thinking');
    expect(stepTitle(step('action', 'Called getOrder in orders'))).toBe('Called getOrder in orders');
  });
});
