/**
 * Talking to Bedrock Agents the way a person does: a conversation's target
 * switched to an agent by the IDs IT handed out, answers streaming with
 * numbered citations that open their sources, the trace folded away until
 * opened, actions the agent hands back approved, denied, answered or left
 * behind, the failures said in words, and all of it still there after a
 * restart and in the Markdown export.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { startHarness, type Harness } from '../harness/harness';
import { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, SANDBOX_MODELS, UNDEPLOYED_ALIAS, type AgentRequest, type KnowledgeBaseRequest, type Sandbox } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

// A little time between the agent's frames, so the answer is seen arriving (about half a second a turn).
test.use({ sandboxOptions: { agents: { stepDelayMs: 25 } } });

interface AgentIds {
  agentId: string;
  aliasId: string;
  name?: string;
}

const composer = (app: Page) => app.getByLabel('Message', { exact: true });
/** The trace's disclosure button of an answer: "Show what the agent did · 7 steps". */
const traceToggle = (answer: Locator) => answer.getByRole('button', { name: /what the agent did/ });
const traceSteps = (answer: Locator) => answer.getByRole('list', { name: 'What the agent did' }).getByRole('listitem');
/** The card of an action the agent handed back (a region named by its heading). */
const actionCard = (answer: Locator) => answer.getByRole('region', { name: /The agent (asks|asked|needs)/ });

/** Starts a new conversation and, in its form, switches it from a model to the agent typed in. */
async function newConversationWith(app: Page, agent: AgentIds): Promise<void> {
  await app.getByRole('button', { name: 'New conversation', exact: true }).click();
  await app.getByRole('button', { name: 'Use a Bedrock Agent' }).click();
  const form = app.getByRole('form', { name: 'Talk to a Bedrock Agent' });
  await form.getByLabel('Agent ID').fill(agent.agentId);
  await form.getByLabel('Alias ID').fill(agent.aliasId);
  if (agent.name) await form.getByLabel('Name you know it by (optional)').fill(agent.name);
  await form.getByRole('button', { name: 'Talk to this agent' }).click();
  await expect(form).toHaveCount(0);
  // The model picker gave way to the agent, by its name and alias.
  await expect(app.getByText('Bedrock Agent', { exact: true })).toBeVisible();
  await expect(app.getByText(agent.name ?? agent.agentId, { exact: true }).first()).toBeVisible();
  await expect(app.getByText(`alias ${agent.aliasId}`, { exact: true })).toBeVisible();
}

/** The message in place `index` of the open conversation (the list draws only those near the view). */
const messageAt = (app: Page, index: number) => app.locator(`.messages__item[data-index="${index}"]`).getByTestId('message');

/** The place of `message` in its conversation. */
async function placeOf(message: Locator): Promise<number> {
  return Number(await message.locator('xpath=ancestor::div[contains(@class, "messages__item")]').getAttribute('data-index'));
}

/** Waits until the answer in place `index` has stopped arriving, and returns it. */
async function answerAt(app: Page, index: number): Promise<Locator> {
  const answer = messageAt(app, index);
  await expect(answer).toHaveAttribute('data-role', 'assistant');
  await expect(answer).toHaveAttribute('data-status', /complete|interrupted/, { timeout: 20_000 });
  return answer;
}

/** Asks `text` and returns the answer it starts, once it has stopped arriving. */
async function ask(app: Page, text: string, { seeItStream = false } = {}): Promise<Locator> {
  await composer(app).fill(text);
  await composer(app).press('Enter');
  // Seen while it arrives (waitFor checks every frame; the answer takes about half a second).
  if (seeItStream) await app.locator('[data-testid="message"][data-role="assistant"][aria-busy="true"]').waitFor();
  const question = app.locator('[data-testid="message"][data-role="user"]').filter({ has: app.getByText(text, { exact: true }) }).last();
  await expect(question).toBeVisible();
  return answerAt(app, (await placeOf(question)) + 1);
}

/** The answer the agent goes on with after the person answered the action in `answer`, once it has arrived. */
async function continuationOf(app: Page, answer: Locator): Promise<Locator> {
  return answerAt(app, (await placeOf(answer)) + 1);
}

/** Scrolls the messages up, as the person does, until `target` is drawn. */
async function scrollUpTo(app: Page, target: Locator): Promise<void> {
  const list = app.locator('.messages');
  for (let i = 0; i < 40 && (await target.count()) === 0; i++) {
    await list.evaluate((element) => element.scrollBy(0, -240));
  }
  await target.scrollIntoViewIfNeeded();
}

const lastRequest = (sandbox: Sandbox): AgentRequest => sandbox.agents.requests().at(-1)!;
const lastKbRequest = (sandbox: Sandbox): KnowledgeBaseRequest => sandbox.knowledgeBases.requests().at(-1)!;

/** The target form, whichever kind it shows (its heading, and so its name, follows the kind). */
const targetForm = (app: Page) => app.getByTestId('agent-form');

/** What the sandbox's agent was told of the action: its confirmation, or the answer typed. */
const actionResultOf = (request: AgentRequest) => request.sessionState?.returnControlInvocationResults?.[0]?.functionResult;

/** Axe finds nothing wrong in `parts`, in the light and the dark theme. */
async function expectAccessible(app: Page, parts: string[]): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme });
    let builder = new AxeBuilder({ page: app });
    for (const part of parts) builder = builder.include(part);
    const axe = await builder.analyze();
    expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await app.emulateMedia({ colorScheme: null });
}

/** A picture of `part` in the light and the dark theme (or only those of `themes`), kept with the test's results. */
async function screenshotBothThemes(
  app: Page,
  part: Locator,
  testInfo: TestInfo,
  name: string,
  themes: ReadonlyArray<'light' | 'dark'> = ['light', 'dark'],
): Promise<void> {
  // Tall enough for the whole part to be in view, under the conversation's header.
  const viewport = app.viewportSize();
  await app.setViewportSize({ width: viewport?.width ?? 1280, height: 2000 });
  await part.scrollIntoViewIfNeeded();
  for (const colorScheme of themes) {
    await app.emulateMedia({ colorScheme });
    const shot = testInfo.outputPath(`${name}-${colorScheme}.png`);
    await part.screenshot({ path: shot, animations: 'disabled' });
    await testInfo.attach(`${name} (${colorScheme})`, { path: shot, contentType: 'image/png' });
  }
  await app.emulateMedia({ colorScheme: null });
  if (viewport) await app.setViewportSize(viewport);
}

/** Strata closed and opened again on the same profile and keychain. */
async function restart(app: Page, harness: Harness, sandbox: Sandbox): Promise<Harness> {
  await harness.close();
  const restarted = await startHarness({ env: sandbox.env(), userDataDir: harness.userDataDir, keychainKey: harness.keychainKey });
  await app.goto(restarted.url);
  return restarted;
}

/** Opens the conversation titled `title` from the list. */
async function openConversation(app: Page, title: string): Promise<void> {
  await app.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: title }).first().click();
  await expect(app.getByLabel('Conversation name')).toHaveValue(title);
}

/** Exports the open conversation as Markdown and returns the file's text. */
async function exportMarkdown(app: Page): Promise<string> {
  await app.getByRole('button', { name: 'Export' }).click();
  const status = app.getByRole('status').filter({ hasText: 'Saved to' });
  await expect(status).toContainText('.md');
  const saved = (await status.getByText(/Saved to/).textContent())!.replace(/^.*?Saved to\s*/, '').trim();
  return readFileSync(saved, 'utf8');
}

test.describe('Bedrock Agents', () => {
  test('the librarian: cited answers, their sources, the trace, the session kept and renewed; all of it after a restart and in the export', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    const librarian = SANDBOX_AGENTS.librarian;
    await signIn(app, harness, sandbox.users[0]!);
    await newConversationWith(app, librarian);

    const question = 'How many days of annual leave can I carry over?';
    const first = await ask(app, question, { seeItStream: true });
    await expect(first).toHaveAttribute('data-status', 'complete');
    const text = first.getByTestId('message-text');
    await expect(text).toContainText('You can carry over up to five days of unused leave.');
    // Each reference follows the sentence it supports.
    await expect(text).toHaveText(/unused leave\.\s*\[1\]\s*Your manager approves the request in the HR portal\.\s*\[2\]/);
    const ref1 = first.getByRole('button', { name: 'Source 1: s3://sandbox-handbook/leave-policy.pdf' });
    await expect(ref1).toHaveText('[1]');
    await expect(first.getByRole('button', { name: 'Source 2: https://intranet.example.com/hr/leave' })).toHaveText('[2]');
    await expect(first.getByRole('region', { name: 'Sources' })).toContainText('s3://sandbox-handbook/leave-policy.pdf');

    // The reference opens its source: where it is and the passage the agent read.
    await expect(ref1).toHaveAttribute('aria-expanded', 'false');
    await ref1.click();
    const source = first.getByRole('region', { name: /^Source 1/ });
    await expect(source).toBeVisible();
    await expect(source).toBeFocused();
    await expect(source).toContainText('Document in Amazon S3');
    await expect(source).toContainText('s3://sandbox-handbook/leave-policy.pdf');
    await expect(source.getByRole('blockquote')).toHaveText('Employees may carry over up to five days of unused annual leave into the next year.');
    await expect(ref1).toHaveAttribute('aria-expanded', 'true');

    // The trace is folded away at first; one click shows what the agent did, in words.
    const toggle = traceToggle(first);
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(toggle).toHaveText(/^Show what the agent did · \d+ steps$/);
    await expect(first.getByRole('list', { name: 'What the agent did' })).toHaveCount(0);
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const steps = traceSteps(first);
    await expect(steps.first()).toContainText('Preparing');
    await expect(steps.first()).toContainText('Checked the question');
    const search = steps.filter({ hasText: 'Knowledge base search' });
    await expect(search).toHaveCount(1);
    await expect(search).toContainText(`Searched the knowledge base KBHANDBOOK for “${question}”`);
    await expect(search).toContainText('2 passages');
    await expect(steps.filter({ hasText: 'Thinking: I will search the employee handbook' })).toHaveCount(1);
    await expect(steps.filter({ hasText: 'Answered' }).first()).toContainText('You can carry over up to five days');
    // A step's tokens and time.
    await expect(steps.filter({ hasText: 'Thinking: I will search' })).toContainText(/\d+ in · \d+ out tokens · \d+ ms/);
    // Pictures of the open trace and the source, in both themes, for the record.
    await screenshotBothThemes(app, first.getByTestId('trace'), testInfo, 'trace-open');
    await screenshotBothThemes(app, source, testInfo, 'source-panel');
    // Its raw JSON on request.
    await search.getByRole('button', { name: /Show the raw trace/ }).click();
    const raw = search.getByLabel(/Raw trace of step \d+/);
    await expect(raw).toContainText('"knowledgeBaseLookupInput"');
    await expect(raw).toContainText('"knowledgeBaseId": "KBHANDBOOK"');
    await expect(raw).toContainText('"retrievedReferences"');
    await expect(search.getByRole('button', { name: /Hide the raw trace/ })).toHaveAttribute('aria-expanded', 'true');

    // The open trace and the source in both themes: nothing axe objects to.
    await expectAccessible(app, ['[data-testid="trace"]', '[data-testid="source-panel"]', '.sources']);

    // Escape closes the source, and the focus goes back to the reference.
    await source.press('Escape');
    await expect(source).toHaveCount(0);
    await expect(ref1).toBeFocused();

    // A follow-up in the same conversation: the same session, so the agent remembers.
    const firstSession = lastRequest(sandbox).sessionId;
    expect(lastRequest(sandbox)).toMatchObject({ agentId: librarian.agentId, agentAliasId: librarian.aliasId, inputText: question, enableTrace: true });
    const followUp = await ask(app, 'And who approves the carry-over?');
    await expect(followUp.getByTestId('message-text')).toContainText(`You asked me before about: “${question}”`);
    expect(lastRequest(sandbox)).toMatchObject({ inputText: 'And who approves the carry-over?', sessionId: firstSession });
    // Its trace is folded away again, whatever the earlier one shows.
    await expect(traceToggle(followUp)).toHaveAttribute('aria-expanded', 'false');

    // New session: the agent forgets; the messages stay on screen.
    await app.getByRole('button', { name: 'New session' }).click();
    await expect(app.getByRole('status').filter({ hasText: 'New session started' })).toContainText('no longer remembers the messages above');
    const fresh = await ask(app, 'Can I carry over leave?');
    await expect(fresh.getByTestId('message-text')).toContainText('You can carry over up to five days');
    await expect(fresh.getByTestId('message-text')).not.toContainText('You asked me before');
    const freshSession = lastRequest(sandbox).sessionId;
    expect(freshSession).not.toBe(firstSession);
    expect(sandbox.agents.requests().map((r) => r.sessionId)).toEqual([firstSession, firstSession, freshSession]);

    // Restart: the answer, its references, its sources and its trace are all still there.
    const restarted = await restart(app, harness, sandbox);
    try {
      await openConversation(app, question);
      await expect(app.getByText(librarian.name, { exact: true })).toBeVisible();
      const kept = app.locator('[data-testid="message"][data-role="assistant"]').last();
      await expect(kept.getByRole('button', { name: 'Source 1: s3://sandbox-handbook/leave-policy.pdf' })).toBeVisible();
      await expect(traceToggle(kept)).toHaveAttribute('aria-expanded', 'false');
      await traceToggle(kept).click();
      await expect(traceSteps(kept).filter({ hasText: 'Knowledge base search' })).toContainText('2 passages');
      await kept.getByRole('button', { name: 'Source 2: https://intranet.example.com/hr/leave' }).click();
      await expect(kept.getByRole('region', { name: /^Source 2/ })).toContainText('Carry-over requests are approved by your manager');
      // The next question after the restart still goes to the new session.
      await ask(app, 'Thanks, one more: can I carry over ten days?');
      expect(lastRequest(sandbox).sessionId).toBe(freshSession);

      const markdown = await exportMarkdown(app);
      expect(markdown).toContain(`Agent: ${librarian.name} (${librarian.agentId}, alias ${librarian.aliasId})`);
      expect(markdown).toContain('## You');
      expect(markdown).toMatch(/unused leave\. \[1\] Your manager approves the request in the HR portal\. \[2\]/);
      expect(markdown).toContain('**Sources**');
      expect(markdown).toContain('1. s3://sandbox-handbook/leave-policy.pdf — “Employees may carry over up to five days of unused annual leave into the next year.”');
      expect(markdown).toContain('2. https://intranet.example.com/hr/leave');
      expect(markdown).toMatch(/<details><summary>What the agent did \(\d+ steps\)<\/summary>/);
      expect(markdown).toContain('Searched the knowledge base KBHANDBOOK for “How many days of annual leave can I carry over?” → 2 passages');
      expect(markdown).toContain('</details>');
      // Collapsed: the section is not opened by default.
      expect(markdown).not.toMatch(/<details open/);
    } finally {
      await restarted.close();
    }
  });

  test('actions and failures: approve, deny, move on, answer for the agent; action group steps, failures and the guardrail in words; kept after a restart', async ({
    app,
    harness,
    sandbox,
  }) => {
    await signIn(app, harness, sandbox.users[0]!);

    // The cancellations desk asks before it cancels: the card says what will run, with what.
    const cancel = SANDBOX_AGENTS.cancel;
    await newConversationWith(app, cancel);
    const cancelTitle = 'Please cancel order 1042';
    const asked = await ask(app, cancelTitle);
    const card = actionCard(asked);
    await expect(card).toBeVisible();
    await expect(card.getByRole('heading')).toHaveText('The agent asks for your approval');
    await expect(card).toContainText(`${cancel.name} wants to run cancelOrder in the action group orders.`);
    await expect(card.getByRole('definition')).toHaveText(['1042']);
    await expect(card.getByRole('term')).toHaveText(['orderId:']);
    await expect(card).toContainText('Nothing runs until you choose.');
    // While it waits, asking again would leave the action behind: no Regenerate.
    await expect(asked.getByRole('button', { name: 'Regenerate' })).toHaveCount(0);
    await expectAccessible(app, ['[data-testid="action-card"]']);
    // The trace says why it stopped to ask.
    await traceToggle(asked).click();
    await expect(traceSteps(asked).filter({ hasText: "Cancelling order 1042 needs the person's confirmation first." })).toHaveCount(1);

    // Approve: the agent goes on, and the card says it was approved.
    await card.getByRole('button', { name: 'Approve' }).click();
    const approved = await continuationOf(app, asked);
    await expect(approved.getByTestId('message-text')).toHaveText('Order 1042 is cancelled. A refund is on its way.');
    await expect(card.getByRole('heading')).toHaveText('The agent asked for your approval');
    await expect(card).toContainText('You approved this.');
    await expect(card.getByRole('button', { name: /Approve|Deny/ })).toHaveCount(0);
    expect(actionResultOf(lastRequest(sandbox))).toMatchObject({ actionGroup: 'orders', function: 'cancelOrder', confirmationState: 'CONFIRM' });
    await traceToggle(approved).click();
    await expect(traceSteps(approved).filter({ hasText: 'Action' }).filter({ hasText: 'Called cancelOrder in orders with orderId = "1042"' })).toContainText(
      '"status":"CANCELLED"',
    );

    // Another one, denied: nothing is cancelled, and the agent was told DENY.
    const second = await ask(app, 'Now cancel order 2077 too');
    await actionCard(second).getByRole('button', { name: 'Deny' }).click();
    const denied = await continuationOf(app, second);
    await expect(denied.getByTestId('message-text')).toHaveText('I did not cancel order 2077.');
    await expect(actionCard(second)).toContainText('You denied this.');
    expect(actionResultOf(lastRequest(sandbox))).toMatchObject({ function: 'cancelOrder', confirmationState: 'DENY' });

    // A third, left waiting while the person asks something else: that counts as denied, and the card says so.
    const third = await ask(app, 'Cancel order 3001');
    await expect(actionCard(third).getByRole('button', { name: 'Approve' })).toBeEnabled();
    const requestsBefore = sandbox.agents.requests().length;
    const movedOn = await ask(app, 'Actually, cancel order 4004 instead');
    await expect(actionCard(third)).toContainText('Denied: you asked something else instead.');
    await expect(actionCard(third).getByRole('button', { name: /Approve|Deny/ })).toHaveCount(0);
    // Nothing was approved on the person's behalf: the agent got only the new question.
    expect(sandbox.agents.requests().slice(requestsBefore).map((r) => [r.inputText, actionResultOf(r)])).toEqual([
      ['Actually, cancel order 4004 instead', undefined],
    ]);
    await expect(actionCard(movedOn)).toContainText('orderId:');

    // The clock: the agent hands control back, and the person types the answer it goes on with.
    const clock = SANDBOX_AGENTS.clock;
    await newConversationWith(app, clock);
    const timeAsked = await ask(app, 'What time is it where I am?');
    const clockCard = actionCard(timeAsked);
    await expect(clockCard.getByRole('heading')).toHaveText('The agent needs an answer from you');
    await expect(clockCard).toContainText('Local time asks Strata for getLocalTime in the action group device.');
    await expect(clockCard).toContainText('It passes no details.');
    await clockCard.getByRole('button', { name: 'Send' }).click();
    await expect(clockCard).toContainText('Enter what to tell the agent.');
    await expect(clockCard.getByLabel('Your answer for the agent')).toBeFocused();
    await clockCard.getByLabel('Your answer for the agent').fill('14:05');
    await clockCard.getByLabel('Your answer for the agent').press('Enter');
    const time = await continuationOf(app, timeAsked);
    await expect(time.getByTestId('message-text')).toHaveText('It is 14:05 where you are.');
    await expect(clockCard).toContainText('You answered: “14:05”');
    expect(actionResultOf(lastRequest(sandbox))).toMatchObject({ actionGroup: 'device', function: 'getLocalTime', responseBody: { TEXT: { body: '14:05' } } });

    // The order desk calls its action group itself: the trace shows the call and what came back.
    await newConversationWith(app, SANDBOX_AGENTS.orders);
    const order = await ask(app, 'Where is order 5150?');
    await expect(order.getByTestId('message-text')).toHaveText('Order 5150 has shipped with Parcelo.');
    await expect(actionCard(order)).toHaveCount(0);
    await traceToggle(order).click();
    const call = traceSteps(order).filter({ hasText: 'Called getOrder in orders with orderId = "5150"' });
    await expect(call).toContainText('Action');
    await expect(call).toContainText('{"orderId":"5150","status":"SHIPPED","carrier":"Parcelo"}');

    // The broken tools: the action fails, in words, and the trace shows the failure step.
    await newConversationWith(app, SANDBOX_AGENTS.broken);
    const broken = await ask(app, 'How many A-100 do we have in stock?');
    await expect(broken).toHaveAttribute('data-status', 'interrupted');
    const error = broken.getByTestId('message-error');
    await expect(error).toContainText("One of the agent's actions failed (inventory).");
    await expect(error).toContainText('Try again. If it keeps failing');
    await traceToggle(broken).click();
    const failure = traceSteps(broken).filter({ hasText: 'Failure' });
    await expect(failure).toContainText('Failed: The Lambda function arn:aws:lambda:us-east-1:123456789012:function:inventory failed: Task timed out');
    await expect(traceSteps(broken).filter({ hasText: 'Called countStock in inventory with sku = "A-100"' })).toHaveCount(1);

    // The guarded assistant declines investment advice: the guardrail's step stands out from the others.
    await newConversationWith(app, SANDBOX_AGENTS.guarded);
    const guarded = await ask(app, 'Should I invest my savings in crypto?');
    await expect(guarded.getByTestId('message-text')).toHaveText("Sorry, I can't give investment advice.");
    await traceToggle(guarded).click();
    const guardrail = traceSteps(guarded).filter({ hasText: 'Guardrail stepped in' });
    await expect(guardrail).toContainText('The guardrail stepped in: Investment advice');
    await expect(guardrail).toHaveAttribute('data-intervened', 'true');
    const preparing = traceSteps(guarded).filter({ hasText: 'Preparing' });
    const colour = (step: Locator) => step.locator('.trace-step__icon').evaluate((icon) => getComputedStyle(icon).color);
    expect(await colour(guardrail)).not.toBe(await colour(preparing));

    // An alias with no deployed version: said in words, with what to check.
    await newConversationWith(app, UNDEPLOYED_ALIAS);
    const undeployed = await ask(app, 'Can I carry over leave?');
    await expect(undeployed).toHaveAttribute('data-status', 'interrupted');
    const notDeployed = undeployed.getByTestId('message-error');
    // Which alias, that it can't be used, and what to do about it; the service's own words only under Details.
    await expect(notDeployed).toContainText(`“${UNDEPLOYED_ALIAS.agentId}”`);
    await expect(notDeployed).toContainText(new RegExp(`${UNDEPLOYED_ALIAS.aliasId}.*isn't (available|deployed)`));
    await expect(notDeployed).toContainText(/deploy/i);
    await expect(notDeployed.getByText('ResourceNotFoundException', { exact: false })).toBeHidden();

    // Restart: every card still says what became of its action, and the trace is still there.
    const restarted = await restart(app, harness, sandbox);
    try {
      await openConversation(app, cancelTitle);
      const card = (order: string) => app.getByRole('region', { name: /The agent asked/ }).filter({ hasText: order });
      // The last one was still waiting when Strata closed: nothing ran without the click.
      await expect(card('4004')).toContainText('Denied: Strata closed before you chose.');
      await expect(card('4004').getByRole('button')).toHaveCount(0);
      // Reading back up the conversation, each card says what became of its action.
      await scrollUpTo(app, card('3001'));
      await expect(card('3001')).toContainText('Denied: you asked something else instead.');
      await scrollUpTo(app, card('2077'));
      await expect(card('2077')).toContainText('You denied this.');
      await scrollUpTo(app, card('1042'));
      await expect(card('1042')).toContainText('You approved this.');
      const keptApproved = messageAt(app, 2);
      await scrollUpTo(app, keptApproved);
      await expect(keptApproved.getByTestId('message-text')).toHaveText('Order 1042 is cancelled. A refund is on its way.');
      await traceToggle(keptApproved).click();
      await expect(traceSteps(keptApproved).filter({ hasText: 'Called cancelOrder in orders' })).toContainText('"status":"CANCELLED"');

      const markdown = await exportMarkdown(app);
      // Each action in words with what became of it (the export says it as a record: "You approved it.").
      expect(markdown).toMatch(/\*\*Action:\*\* Asked to run `cancelOrder` \(orders\) with orderId = "1042"\. You approved/);
      expect(markdown).toMatch(/\*\*Action:\*\* Asked to run `cancelOrder` \(orders\) with orderId = "2077"\. You denied/);
      expect(markdown).toContain('with orderId = "3001". Denied: you asked something else instead.');
      expect(markdown).toContain('with orderId = "4004". Denied: Strata closed before you chose.');
      expect(markdown).toMatch(/<details><summary>What the agent did \(\d+ steps?\)<\/summary>[\s\S]*Called cancelOrder in orders with orderId = "1042"[\s\S]*<\/details>/);
    } finally {
      await restarted.close();
    }
  });

  test('the lists: an agent picked from them, then a knowledge base with the model that writes its answers; its citations, its session kept, ended and renewed; a list refused', async ({
    app,
    harness,
    sandbox,
  }, testInfo) => {
    const handbook = SANDBOX_KNOWLEDGE_BASES.handbook;
    const orders = SANDBOX_AGENTS.orders;
    await signIn(app, harness, sandbox.users[0]!);

    // The form offers the agents AWS lists; picking one fills the IDs it would otherwise take typed in.
    await app.getByRole('button', { name: 'New conversation', exact: true }).click();
    await app.getByRole('button', { name: 'Use a Bedrock Agent or knowledge base' }).click();
    const form = targetForm(app);
    await expect(form.getByRole('group', { name: 'Who answers' }).getByRole('radio')).toHaveCount(3);
    await form.getByRole('radio', { name: 'A Bedrock Agent' }).check();
    const agentList = form.getByLabel('Choose from the agents you can use');
    await expect(agentList.getByRole('option', { name: `${orders.name} — live` })).toHaveCount(1);
    await agentList.selectOption({ label: `${orders.name} — live` });
    await expect(form.getByLabel('Agent ID')).toHaveValue(orders.agentId);
    await expect(form.getByLabel('Alias ID')).toHaveValue(orders.aliasId);
    await expect(form.getByLabel('Name you know it by (optional)')).toHaveValue(orders.name);
    await expect(form.getByRole('button', { name: /^Refresh/ })).toBeEnabled();
    await expectAccessible(app, ['[data-testid="agent-form"]']);
    await screenshotBothThemes(app, form, testInfo, 'target-form-agents', ['light']);
    await form.getByRole('button', { name: 'Talk to this agent' }).click();
    await expect(form).toHaveCount(0);
    await expect(app.getByTestId('agent-header-name')).toHaveText(orders.name);
    await expect(app.getByText(`alias ${orders.aliasId}`, { exact: true })).toBeVisible();
    const order = await ask(app, 'Where is order 2051?');
    await expect(order.getByTestId('message-text')).toHaveText('Order 2051 has shipped with Parcelo.');
    expect(lastRequest(sandbox)).toMatchObject({ agentId: orders.agentId, agentAliasId: orders.aliasId, inputText: 'Where is order 2051?' });

    // Change to a knowledge base from its list, and the model that writes its answers.
    await app.getByRole('button', { name: 'Change agent' }).click();
    await form.getByRole('radio', { name: 'A knowledge base' }).check();
    await expect(form.getByRole('heading', { name: 'Ask a knowledge base' })).toBeVisible();
    const kbList = form.getByLabel('Choose from the knowledge bases you can use');
    await kbList.selectOption({ label: handbook.name });
    await expect(form.getByLabel('Knowledge base ID')).toHaveValue(handbook.knowledgeBaseId);
    await expect(form.getByTestId('target-directory-description')).toHaveText(handbook.description);
    await form.getByLabel('Model that writes the answer').selectOption(SANDBOX_MODELS.writer);
    await expectAccessible(app, ['[data-testid="agent-form"]']);
    await screenshotBothThemes(app, form, testInfo, 'target-form-knowledge-bases', ['light']);
    await form.getByRole('button', { name: 'Ask this knowledge base' }).click();
    await expect(form).toHaveCount(0);
    const target = app.getByTestId('knowledge-base-target');
    await expect(target).toContainText('Knowledge base');
    await expect(target.getByTestId('knowledge-base-header-name')).toHaveText(handbook.name);
    await expect(app.getByLabel('Answers written by')).toHaveValue(SANDBOX_MODELS.writer);
    await expect(app.getByRole('button', { name: 'Change knowledge base' })).toBeVisible();
    await expect(app.getByRole('button', { name: 'New session' })).toBeVisible();

    // The answer streams in, each sentence followed by its reference; no trace, for there is none.
    const question = 'How many days of annual leave can I carry over?';
    const answer = await ask(app, question, { seeItStream: true });
    await expect(answer).toHaveAttribute('data-status', 'complete');
    const text = answer.getByTestId('message-text');
    await expect(text).toHaveText(
      /You can carry over up to five days of unused annual leave into the next year\.\s*\[1\]\s*Your manager approves carry-over requests in the HR portal\.\s*\[2\]/,
    );
    const ref1 = answer.getByRole('button', { name: 'Source 1: s3://sandbox-handbook/leave-policy.pdf' });
    await expect(ref1).toHaveText('[1]');
    await expect(answer.getByRole('button', { name: 'Source 2: https://intranet.example.com/hr/leave' })).toHaveText('[2]');
    await expect(answer.getByTestId('message-usage')).toContainText(`${handbook.name} · Claude 3.5 Haiku`);
    await expect(traceToggle(answer)).toHaveCount(0);
    await expect(answer.getByTestId('trace')).toHaveCount(0);
    await ref1.click();
    const source = answer.getByRole('region', { name: /^Source 1/ });
    await expect(source).toBeFocused();
    await expect(source).toContainText('Document in Amazon S3');
    await expect(source).toContainText('s3://sandbox-handbook/leave-policy.pdf');
    await expect(source.getByRole('blockquote')).toHaveText('Employees may carry over up to five days of unused annual leave into the next year.');
    const first = lastKbRequest(sandbox);
    expect(first).toMatchObject({ operation: 'RetrieveAndGenerateStream', knowledgeBaseId: handbook.knowledgeBaseId, text: question });
    expect(first.modelArn).toContain(SANDBOX_MODELS.writer);
    expect(first.sessionId).toBeUndefined();

    // The follow-up goes in the session Bedrock gave the first answer (the only one it has issued, and it takes no other).
    const followUp = await ask(app, 'And who approves the carry-over?');
    await expect(followUp.getByTestId('message-text')).toContainText('Your manager approves carry-over requests in the HR portal.');
    const session = lastKbRequest(sandbox).sessionId;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.knowledgeBases.requests().map((r) => r.sessionId)).toEqual([undefined, session]);

    // The session ends on AWS's side: said in words, with New session in the error; then Regenerate answers afresh.
    sandbox.faults.agents.expireSessions();
    const expired = await ask(app, 'Can I carry over more than five days?');
    await expect(expired).toHaveAttribute('data-status', 'interrupted');
    const error = expired.getByTestId('message-error');
    await expect(error).toContainText(`The session with the knowledge base “${handbook.name}” has ended`);
    await expect(error).toContainText('Press New session and ask again.');
    expect(lastKbRequest(sandbox).sessionId).toBe(session);
    await error.getByRole('button', { name: 'New session' }).click();
    await expect(error.getByTestId('session-renewed')).toHaveText('New session started. Ask again, or choose Regenerate.');
    await expect(app.getByTestId('agent-session-status')).toContainText(`${handbook.name} no longer remembers the messages above`);
    const before = sandbox.knowledgeBases.requests().length;
    await expired.getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => sandbox.knowledgeBases.requests().length).toBe(before + 1);
    const renewed = app.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(renewed).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
    await expect(renewed.getByTestId('message-text')).toContainText('You can carry over up to five days');
    expect(lastKbRequest(sandbox)).toMatchObject({ text: 'Can I carry over more than five days?' });
    expect(lastKbRequest(sandbox).sessionId).toBeUndefined();

    // Not allowed to list the knowledge bases: the agents are still listed, and the ID typed in still works.
    sandbox.faults.agents.denied.add('bedrock:ListKnowledgeBases');
    await app.getByRole('button', { name: 'Change knowledge base' }).click();
    await expect(form.getByRole('radio', { name: 'A knowledge base' })).toBeChecked();
    const missing = form.getByTestId('target-directory-missing');
    await expect(missing).toContainText("Couldn't load the knowledge bases.");
    await expect(missing).toContainText("You aren't allowed to list the knowledge bases.");
    await expect(missing).toContainText('You can still enter the ID below.');
    await expect(kbList).toBeDisabled();
    await expect(kbList.locator('option').first()).toHaveText('The list could not be loaded');
    await expectAccessible(app, ['[data-testid="agent-form"]']);
    await form.getByRole('radio', { name: 'A Bedrock Agent' }).check();
    await expect(agentList).toBeEnabled();
    await expect(agentList.getByRole('option', { name: `${orders.name} — live` })).toHaveCount(1);
    await expect(form.getByTestId('target-directory-missing')).toHaveCount(0);
    await form.getByRole('radio', { name: 'A knowledge base' }).check();
    await form.getByLabel('Knowledge base ID').fill(SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId);
    // The name still says the handbook's: emptied, it follows the ID.
    await form.getByLabel('Name you know it by (optional)').fill('');
    await expect(kbList.locator('option').first()).toHaveText('The list could not be loaded');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);
    await expect(app.getByTestId('knowledge-base-header-name')).toHaveText(SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId);
    const wiki = await ask(app, 'How do I roll back a production deploy?');
    await expect(wiki.getByTestId('message-text')).toContainText('a rollback is one click in the pipeline');
    expect(lastKbRequest(sandbox)).toMatchObject({ knowledgeBaseId: SANDBOX_KNOWLEDGE_BASES.engineering.knowledgeBaseId });
    expect(lastKbRequest(sandbox).sessionId).toBeUndefined();

    // Allowed again while the form is open: Refresh lists the knowledge bases, the one typed in chosen among them.
    await app.getByRole('button', { name: 'Change knowledge base' }).click();
    await expect(form.getByTestId('target-directory-missing')).toBeVisible();
    sandbox.faults.agents.denied.delete('bedrock:ListKnowledgeBases');
    await form.getByRole('button', { name: /^Refresh/ }).click();
    await expect(kbList).toBeEnabled();
    await expect(kbList.locator('option:checked')).toHaveText(SANDBOX_KNOWLEDGE_BASES.engineering.name);
    await expect(form.getByTestId('target-directory-missing')).toHaveCount(0);
  });
});
