import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../preload/contract';
import { stopReasonText } from '../../renderer/src/chat/chat-format';
import { GuardrailNotice } from '../../renderer/src/chat/GuardrailNotice';
import { visibleText } from './react-tree';

const BLOCKED = { action: 'blocked', message: "Your organization's guardrail blocked your question: it touches a denied topic (Investment advice)." } as const;

describe('the guardrail notice under an answer', () => {
  it('says what the guardrail did, as a note with a name, styled as a warning when it blocked', () => {
    const markup = renderToStaticMarkup(<GuardrailNotice notice={BLOCKED} />);
    expect(visibleText(markup)).toBe(BLOCKED.message);
    expect(markup).toContain('role="note"');
    expect(markup).toContain('aria-label="Blocked by your organization’s guardrail"');
    expect(markup).toContain('notice--warning');
    // The icon is decoration: the words carry it.
    expect(markup).toContain('aria-hidden="true"');
  });

  it('quieter when it only hid some information', () => {
    const markup = renderToStaticMarkup(<GuardrailNotice notice={{ action: 'masked', message: 'Some personal information was hidden (email addresses).' }} />);
    expect(markup).toContain('notice--info');
    expect(markup).toContain('aria-label="Changed by your organization’s guardrail"');
  });

  it('the footer leaves the stop reason to the notice, and still says it when there is none', () => {
    const answer: ChatMessage = { id: 'a', role: 'assistant', text: 'Sorry.', createdAt: 0, status: 'complete', stopReason: 'guardrail_intervened' };
    expect(stopReasonText({ ...answer, guardrail: BLOCKED })).toBeNull();
    expect(stopReasonText(answer)).toBe('Stopped by a guardrail');
  });
});
