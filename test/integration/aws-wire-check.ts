/**
 * Checking the sandbox against what AWS's service models say, not against
 * what the JavaScript SDK happens to accept: botocore's models (the
 * authority on every shape), a value checked against one of their shapes,
 * and a request signed by hand and read raw off the wire, event-stream
 * frames decoded.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { Sha256 } from '../sandbox/sigv4';

type Shape = {
  type: string;
  document?: boolean;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  value?: { shape: string };
  enum?: string[];
};
export interface ServiceModel {
  shapes: Record<string, Shape>;
}

const botocoreData = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))']).toString().trim();

/** One of botocore's service models, by its path under botocore/data ("bedrock-agent-runtime/2023-07-26/service-2.json.gz"). */
export function botocoreModel(file: string): ServiceModel {
  return JSON.parse(gunzipSync(readFileSync(path.join(botocoreData, 'data', file))).toString()) as ServiceModel;
}

/**
 * Every way `value` (as it came over the wire) differs from the shape `name` of `model`: unknown or
 * missing required members, wrong types, values outside an enum.
 */
export function shapeMismatches(model: ServiceModel, value: unknown, name: string, at = name): string[] {
  const shape = model.shapes[name];
  if (!shape) return [`${at}: no shape ${name}`];
  // A document (free-form JSON, as a passage's metadata values are) takes anything.
  if (shape.document) return [];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const missing = (shape.required ?? []).filter((member) => !(member in value)).map((member) => `${at}: required ${member} missing`);
      return missing.concat(
        Object.entries(value).flatMap(([key, member]) =>
          shape.members?.[key] ? shapeMismatches(model, member, shape.members[key]!.shape, `${at}.${key}`) : [`${at}: no member ${key}`],
        ),
      );
    }
    case 'list':
      return Array.isArray(value) ? value.flatMap((item, index) => shapeMismatches(model, item, shape.member!.shape, `${at}[${index}]`)) : [`${at}: not a list`];
    case 'map':
      return typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([key, item]) => shapeMismatches(model, item, shape.value!.shape, `${at}.${key}`))
        : [`${at}: not a map`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return shape.enum && !shape.enum.includes(value) ? [`${at}: ${value} is not one of ${shape.enum.join(', ')}`] : [];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'float':
    case 'double':
      return typeof value === 'number' ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'blob':
      return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? [] : [`${at}: not base64`];
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${at}: not an ISO 8601 time`];
    default:
      return [`${at}: a ${shape.type} the check does not know`];
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  data: Buffer;
  /** The event-stream frames, when the answer is one: each frame's headers and its JSON payload. */
  frames: Array<{ headers: Record<string, string>; payload: unknown }>;
  /** The JSON body, when the answer is neither an event stream nor empty. */
  json: unknown;
}

/** A request to the sandbox signed by hand (SigV4, service `bedrock`) and its answer read raw, exactly as it came over the wire. */
export async function signedRequest(options: {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}): Promise<RawAnswer> {
  const url = new URL(options.endpoint);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'bedrock', sha256: Sha256 });
  const signed = await signer.sign({
    method: options.method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path,
    headers: { host: url.host, ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { body: payload } : {}),
  });
  const answer = await new Promise<{ status: number; headers: Record<string, unknown>; data: Buffer }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: options.method, path: signed.path, headers: signed.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, data: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
  const frames: RawAnswer['frames'] = [];
  if (answer.headers['content-type'] === 'application/vnd.amazon.eventstream') {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    for (let offset = 0; offset < answer.data.length; ) {
      const length = answer.data.readUInt32BE(offset);
      const message = codec.decode(answer.data.subarray(offset, offset + length));
      const headers = Object.fromEntries(Object.entries(message.headers).map(([name, header]) => [name, String(header.value)]));
      frames.push({ headers, payload: JSON.parse(toUtf8(message.body)) as unknown });
      offset += length;
    }
  }
  return { ...answer, frames, json: frames.length || !answer.data.length ? undefined : (JSON.parse(answer.data.toString('utf8')) as unknown) };
}
