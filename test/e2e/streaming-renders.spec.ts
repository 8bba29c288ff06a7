/**
 * While an answer streams, React renders the streaming message (and the
 * list that holds it) and nothing else: not the header, the sidebar, the
 * composer or the messages that have finished. Renders are counted through
 * the hook React offers its developer tools, which production builds call
 * after every commit.
 */
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 150, answerWords: 1500 } } });

/** Installed before React loads: records, for each commit, where on the page each component that rendered sits. */
function countRenders() {
  const PERFORMED_WORK = 1;
  // Function, class, forward-ref, memo and simple-memo components.
  const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
  type Fiber = { tag: number; flags: number; child: Fiber | null; sibling: Fiber | null; return: Fiber | null; stateNode: unknown };
  let previous = new WeakSet<Fiber>();
  /** Per commit, the places where components rendered. */
  const renders: string[][] = [];
  const where = (fiber: Fiber): string => {
    let node: Fiber | null = fiber;
    while (node && !(node.stateNode instanceof Element)) node = node.child;
    // A component that renders only text: place it by the element around it.
    if (!node) for (node = fiber.return; node && !(node.stateNode instanceof Element); node = node.return);
    const element = node?.stateNode as Element | undefined;
    if (!element) return 'nothing';
    if (element.closest('[data-testid="message"][data-status="streaming"]')) return 'streaming message';
    if (element.matches('.messages')) return 'message list';
    const message = element.closest('[data-testid="message"]');
    if (message) return `finished message (${message.getAttribute('data-role')})`;
    if (element.closest('.composer')) return 'composer';
    if (element.closest('.conversation-header')) return 'header';
    if (element.closest('[data-testid="conversation-item"], nav, aside')) return 'sidebar';
    return `other: ${element.tagName.toLowerCase()}.${element.className}`;
  };
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => {},
    onCommitFiberUnmount: () => {},
    onPostCommitFiberRoot: () => {},
    onCommitFiberRoot(_id: number, root: { current: Fiber }) {
      // A fiber that rendered in this commit is a fresh copy (not the object committed last time) with work performed.
      const seen = new WeakSet<Fiber>();
      const places = new Set<string>();
      const stack: Fiber[] = [root.current];
      while (stack.length) {
        const fiber = stack.pop()!;
        seen.add(fiber);
        if (COMPONENT_TAGS.has(fiber.tag) && !previous.has(fiber) && fiber.flags & PERFORMED_WORK) places.add(where(fiber));
        if (fiber.sibling) stack.push(fiber.sibling);
        if (fiber.child) stack.push(fiber.child);
      }
      previous = seen;
      if (places.size) renders.push([...places]);
    },
  };
  (window as unknown as Record<string, unknown>).__renders = renders;
}

test('while an answer streams, only the streaming message re-renders', async ({ app, harness, sandbox }) => {
  await app.addInitScript(countRenders);
  await app.reload();
  await signIn(app, harness, sandbox.users[0]!);
  await app.getByTestId('new-conversation-button').click();
  await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await app.getByTestId('composer-input').fill('First question');
  await app.getByTestId('composer-input').press('Enter');
  const answers = app.locator('[data-testid="message"][data-role="assistant"]');
  await expect(answers.last()).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });

  await app.getByTestId('composer-input').fill('Second question');
  await app.getByTestId('composer-input').press('Enter');
  await expect(answers).toHaveCount(2);
  const streaming = answers.last();
  await expect(streaming.getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
  await expect(streaming).toHaveAttribute('data-status', 'streaming');

  // Count renders over a second of streaming.
  await app.evaluate(() => ((window as unknown as { __renders: string[][] }).__renders.length = 0));
  await app.waitForTimeout(1500);
  const commits = await app.evaluate(() => [...(window as unknown as { __renders: string[][] }).__renders]);
  await expect(streaming).toHaveAttribute('data-status', 'streaming');

  /** How many commits rendered something at each place. */
  const counts: Record<string, number> = {};
  for (const places of commits) for (const place of places) counts[place] = (counts[place] ?? 0) + 1;
  console.log(`${commits.length} commits while streaming; commits that rendered at each place:`, counts);
  expect(counts['streaming message'] ?? 0).toBeGreaterThan(10);
  // The sidebar shows when the conversation last changed and its preview, which main updates
  // each time it saves the growing answer (once a second): a few times in the 1.5 s, never per delta.
  expect(counts.sidebar ?? 0).toBeLessThanOrEqual(4);
  expect(Object.keys(counts).filter((place) => !['streaming message', 'message list', 'sidebar'].includes(place))).toEqual([]);
});

test('when an answer ends, what it showed stays on the page: the same elements, the code already highlighted kept', async ({ app, harness, sandbox }) => {
  await signIn(app, harness, sandbox.users[0]!);
  const code = Array.from({ length: 60 }, (_, i) => `const value${i} = compute(${i}); // step ${i}`).join('\n');
  const script = `## Plan\n\n${'The first paragraph of the answer, long enough to wrap. '.repeat(6)}\n\n- one\n- two\n\n\`\`\`typescript\n${code}\n\`\`\``;
  sandbox.bedrock.setPace({ script, chunkChars: 24, intervalMs: 16 });
  await app.getByTestId('new-conversation-button').click();
  await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await app.getByTestId('composer-input').fill('A plan with code, please');
  await app.getByTestId('composer-input').press('Enter');
  const answer = app.locator('[data-testid="message"][data-role="assistant"]');
  const block = answer.getByTestId('code-block');
  // Mark what the streaming answer shows: its first paragraph and the code block's highlighted runs so far.
  await expect(block.locator('.hljs-keyword').first()).toBeVisible();
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  const marked = await app.evaluate(() => {
    const message = document.querySelector('[data-role="assistant"] .markdown')!;
    const elements = [message.querySelector('p'), message.querySelector('figure'), ...message.querySelectorAll('figure .code-block__run:not(.code-block__run--growing)')];
    elements.forEach((element) => ((element as unknown as { __shown: boolean }).__shown = true));
    return elements.length;
  });
  expect(marked).toBeGreaterThan(3);
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });

  const kept = await app.evaluate(() => {
    const message = document.querySelector('[data-role="assistant"] .markdown')!;
    return [...message.querySelectorAll('p, figure, .code-block__run')].filter((element) => (element as unknown as { __shown?: boolean }).__shown).length;
  });
  expect(kept).toBe(marked);
  // Every line is there, highlighted, exactly as written.
  await expect(block.locator('code')).toHaveText(code);
  await expect(block.locator('.hljs-keyword')).toHaveCount(60);
  sandbox.bedrock.setPace({ script: undefined });
});
