/**
 * Bedrock's errors in words a person can act on. The AWS error name, message
 * and request id stay available under "Details".
 */
import type { AppError, CatalogModel } from '../../preload/contract';
import { awsDetails, networkErrorCode, toAppError } from '../errors';
import type { RequiredGuardrail } from '../settings/policy-rules';
import { guardrailError } from './guardrail';

export interface BedrockErrorContext {
  /** The model or profile the request named. */
  modelId: string;
  /** How the person knows it ("Claude 3.5 Haiku"). */
  modelName: string;
  region: string;
  /** The inference profile to offer when the model needs one. */
  profileFor?: (modelId: string) => CatalogModel | undefined;
  /** The guardrail the organization requires, which the request carried. */
  guardrail?: RequiredGuardrail | undefined;
}

const errorName = (err: unknown): string => String((err as { name?: unknown } | null)?.name ?? '');
const errorMessage = (err: unknown): string => String((err as { message?: unknown } | null)?.message ?? '');

/** True for failures worth retrying before the first token: Bedrock is busy. */
export function isThrottling(err: unknown): boolean {
  const name = errorName(err);
  return name === 'ThrottlingException' || name === 'throttlingException' || name === 'ServiceQuotaExceededException';
}

export function bedrockError(err: unknown, context: BedrockErrorContext): AppError {
  const name = errorName(err);
  const message = errorMessage(err);
  const details = awsDetails(err);
  const { modelName, region } = context;

  if (networkErrorCode(err)) {
    return {
      code: 'aws-unreachable',
      message: "Strata couldn't reach Amazon Bedrock.",
      action:
        "Check your internet or VPN connection. If your company reaches AWS through a private (VPC) endpoint, ask IT to check Strata's Bedrock endpoint settings.",
      details: `${details}`,
    };
  }

  // Bedrock refusing the required guardrail is no fault of the model: IT fixes it.
  const guardrail = guardrailError(err, context.guardrail, region);
  if (guardrail) return guardrail;

  switch (name) {
    case 'AccessDeniedException':
      return {
        code: 'model-access-denied',
        message: `The AWS identity you're signed in as isn't allowed to use ${modelName}.`,
        action:
          'Pick another model, or ask IT to enable this model in Amazon Bedrock (Model access) and to grant your role bedrock:InvokeModel for it.',
        details,
      };
    case 'ResourceNotFoundException':
      return notAvailable(modelName, region, details);
    case 'ValidationException': {
      if (/on-demand throughput isn.t supported|inference profile/i.test(message)) {
        const profile = context.profileFor?.(context.modelId);
        return {
          code: 'model-needs-profile',
          message: `${modelName} can only be used through an inference profile.`,
          action: profile
            ? `Switch this conversation to ${profile.name} and send again.`
            : 'Pick the inference profile version of this model (its name starts with the Region, like "US"), or ask IT which one to use.',
          details,
          ...(profile ? { fix: { kind: 'use-model' as const, modelId: profile.id, label: `Use ${profile.name}` } } : {}),
        };
      }
      if (/model identifier is invalid|not supported in this region|isn.t available/i.test(message)) {
        return notAvailable(modelName, region, details);
      }
      return {
        code: 'model-rejected-input',
        message: `${modelName} couldn't accept this request.`,
        action: 'Try a shorter message or other conversation settings. If it keeps happening, tell IT and include the details below.',
        details,
      };
    }
    case 'ThrottlingException':
    case 'throttlingException':
    case 'ServiceQuotaExceededException':
    case 'serviceUnavailableException':
    case 'ServiceUnavailableException':
      return {
        code: 'throttled',
        message: 'Amazon Bedrock is busy right now.',
        action: 'Wait a minute and try again. If it happens often, ask IT about your Bedrock quotas.',
        details,
      };
    case 'ModelStreamErrorException':
    case 'modelStreamErrorException':
    case 'ModelErrorException':
    case 'ModelTimeoutException':
    case 'InternalServerException':
    case 'internalServerException':
      return {
        code: 'stream-interrupted',
        message: `${modelName} stopped answering part-way.`,
        action: 'What arrived is kept. Regenerate the answer to try again.',
        details,
      };
    case 'ModelNotReadyException':
      return {
        code: 'model-not-available',
        message: `${modelName} is starting up.`,
        action: 'Try again in a minute.',
        details,
      };
  }
  return toAppError(err, 'aws');
}

function notAvailable(modelName: string, region: string, details: string): AppError {
  return {
    code: 'model-not-available',
    message: `${modelName} isn't available in ${region}.`,
    action: 'Pick another model, or ask IT which AWS Region Strata should use.',
    details,
  };
}

/** The stream ended without Bedrock saying it was finished: the connection dropped. */
export function streamCutError(modelName: string, cause?: unknown): AppError {
  return {
    code: 'stream-interrupted',
    message: `The connection to ${modelName} dropped before the answer finished.`,
    action: 'What arrived is kept. Check your connection, then regenerate the answer.',
    details: cause === undefined ? 'The stream ended without messageStop.' : `${errorName(cause) || 'Error'}: ${errorMessage(cause)}`,
  };
}
