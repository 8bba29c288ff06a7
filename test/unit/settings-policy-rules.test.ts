import { describe, expect, it } from 'vitest';
import type { AgentDirectory } from '../../preload/contract';
import { StrataError } from '../../main/errors';
import { PolicyRules, policySourceOf } from '../../main/settings/policy-rules';

const refusal = (run: () => void) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StrataError);
    return { code: (error as StrataError).code, message: (error as StrataError).message };
  }
  throw new Error('expected a refusal');
};

describe('policy rules', () => {
  it('restrict nothing when the policy sets none, and allow exporting', () => {
    const rules = new PolicyRules();
    expect(rules.allowsModel('anything.at-all')).toBe(true);
    expect(rules.allowsAgent('LIBRARIAN1', 'LIBLIVE001')).toBe(true);
    expect(rules.allowsKnowledgeBase('KBHANDBOOK')).toBe(true);
    expect(rules.allowedSources).toEqual(['company', 'profile', 'identity-center', 'environment', 'api-key']);
    expect(rules.allowExport).toBe(true);
    expect(rules.requiredGuardrail).toBeUndefined();
    expect(rules.updates).toBeUndefined();
  });

  it('match models exactly or by a trailing * prefix, including inference profiles of an allowed model', () => {
    const rules = new PolicyRules({ allowedModels: ['anthropic.claude-*', 'amazon.nova-pro-v1:0'] });
    expect(rules.allowsModel('anthropic.claude-3-5-sonnet-20241022-v2:0')).toBe(true);
    expect(rules.allowsModel('amazon.nova-pro-v1:0')).toBe(true);
    expect(rules.allowsModel('amazon.nova-pro-v1:0:300k')).toBe(false);
    expect(rules.allowsModel('amazon.nova-lite-v1:0')).toBe(false);
    // A system profile is its geography and the model's id; an application profile is known by the model behind it.
    expect(rules.allowsModel('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(true);
    expect(rules.allowsModel('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', 'anthropic.claude-3-haiku')).toBe(true);
    expect(rules.allowsModel('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', 'meta.llama3')).toBe(false);
    expect(new PolicyRules({ allowedModels: [] }).allowsModel('anthropic.claude-3')).toBe(false);
  });

  it('match agents by id (any alias) or by id and alias, and knowledge bases by id', () => {
    const rules = new PolicyRules({ allowedAgents: ['LIBRARIAN1', 'HRHELPER01/HRLIVE0001'], allowedKnowledgeBases: ['KBHANDBOOK'] });
    expect(rules.allowsAgent('LIBRARIAN1', 'ANYALIAS01')).toBe(true);
    expect(rules.allowsAgent('HRHELPER01', 'HRLIVE0001')).toBe(true);
    expect(rules.allowsAgent('HRHELPER01', 'HRTEST0001')).toBe(false);
    expect(rules.allowsAgent('FINANCE001', 'LIVE000001')).toBe(false);
    expect(rules.allowsKnowledgeBase('KBHANDBOOK')).toBe(true);
    expect(rules.allowsKnowledgeBase('KBFINANCE1')).toBe(false);
  });

  it('narrow the agent directory to allowed agents, their allowed aliases, and allowed knowledge bases', () => {
    const directory: AgentDirectory = {
      agents: [
        { agentId: 'LIBRARIAN1', name: 'Librarian', aliases: [{ aliasId: 'LIBLIVE001', name: 'live' }, { aliasId: 'LIBTEST001', name: 'test' }] },
        { agentId: 'HRHELPER01', name: 'HR helper', aliases: [{ aliasId: 'HRTEST0001', name: 'test' }] },
        { agentId: 'FINANCE001', name: 'Finance', aliases: [{ aliasId: 'FINLIVE001', name: 'live' }] },
      ],
      knowledgeBases: [
        { knowledgeBaseId: 'KBHANDBOOK', name: 'Handbook' },
        { knowledgeBaseId: 'KBFINANCE1', name: 'Finance' },
      ],
    };
    const rules = new PolicyRules({ allowedAgents: ['LIBRARIAN1/LIBLIVE001', 'HRHELPER01/HRLIVE0001'], allowedKnowledgeBases: ['KBHANDBOOK'] });
    expect(rules.filterDirectory(directory)).toEqual({
      agents: [{ agentId: 'LIBRARIAN1', name: 'Librarian', aliases: [{ aliasId: 'LIBLIVE001', name: 'live' }] }],
      knowledgeBases: [{ knowledgeBaseId: 'KBHANDBOOK', name: 'Handbook' }],
    });
  });

  it('refuse a disallowed target in plain words naming it', () => {
    const rules = new PolicyRules({ allowedModels: ['amazon.*'], allowedAgents: ['LIBRARIAN1'], allowedKnowledgeBases: [] });
    const names = (id: string) => ({ name: id === 'anthropic.claude-3-haiku' ? 'Claude 3 Haiku' : undefined });
    expect(refusal(() => rules.ensureTarget({ modelId: 'anthropic.claude-3-haiku' }, names))).toEqual({
      code: 'not-allowed',
      message: "Your organization doesn't allow the model Claude 3 Haiku in Strata.",
    });
    expect(refusal(() => rules.ensureTarget({ modelId: 'amazon.nova-pro', agent: { agentId: 'FINANCE001', aliasId: 'FINLIVE001', name: 'Finance' } })).message).toBe(
      "Your organization doesn't allow the agent Finance in Strata.",
    );
    expect(refusal(() => rules.ensureTarget({ modelId: 'amazon.nova-pro', knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Handbook' } })).message).toBe(
      "Your organization doesn't allow the knowledge base Handbook in Strata.",
    );
    // A knowledge base's answers are written by the conversation's model: it must be allowed too.
    const kbOnly = new PolicyRules({ allowedModels: ['amazon.*'] });
    expect(() => kbOnly.ensureTarget({ modelId: 'meta.llama3', knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Handbook' } })).toThrow('the model meta.llama3');
    // An agent answers with its own model: the conversation's model is not what is asked.
    expect(() => rules.ensureTarget({ modelId: 'meta.llama3', agent: { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Librarian' } })).not.toThrow();
    expect(() => rules.ensureTarget({ modelId: 'amazon.nova-pro' })).not.toThrow();
  });

  it('refuse a sign-in source and exporting when the organization turned them off', () => {
    const rules = new PolicyRules({ allowedCredentialSources: ['company', 'identity-center'], allowExport: false });
    expect(rules.allowsSource('profile')).toBe(false);
    expect(refusal(() => rules.ensureSource('api-key'))).toEqual({
      code: 'not-allowed',
      message: "Your organization doesn't allow signing in with a Bedrock API key in Strata.",
    });
    expect(() => rules.ensureSource('identity-center')).not.toThrow();
    expect(refusal(() => rules.ensureExport()).message).toBe('Your organization has turned off exporting conversations.');
  });

  it('count an AWS profile that signs in with IAM Identity Center as identity-center', () => {
    expect(policySourceOf({ kind: 'profile', profile: 'dev' }, true)).toBe('identity-center');
    expect(policySourceOf({ kind: 'profile', profile: 'dev' }, false)).toBe('profile');
    expect(policySourceOf({ kind: 'api-key' }, false)).toBe('api-key');
  });

  it('expose the guardrail and update policy as IT set them', () => {
    const rules = new PolicyRules({ requiredGuardrail: { id: 'abc123def456', version: '2' }, updates: { enabled: false } });
    expect(rules.requiredGuardrail).toEqual({ id: 'abc123def456', version: '2' });
    expect(rules.updates).toEqual({ enabled: false });
  });
});
