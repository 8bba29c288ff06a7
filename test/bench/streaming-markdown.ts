/**
 * `npm run bench`: the cost of one streamed update of an answer, early in a
 * short answer and late in a long one. The target: the ratio stays near 1
 * (the cost per token does not grow with the answer's length).
 */
import { performance } from 'node:perf_hooks';
import { MarkdownStream } from '../../renderer/src/chat/markdown-blocks';
import { writerAnswer } from '../sandbox/bedrock-models';

const DELTA = 12;

/** Median milliseconds per update over the updates that take the answer from `from` to `to` characters. */
function medianUpdateMs(text: string, from: number, to: number): number {
  const stream = new MarkdownStream();
  stream.update(text.slice(0, from));
  const times: number[] = [];
  for (let end = from + DELTA; end <= to; end += DELTA) {
    const start = performance.now();
    stream.update(text.slice(0, end));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const answer = writerAnswer('Explain S3 storage classes', 20_000);
const window = 3_000;
const early = medianUpdateMs(answer, 0, window);
const late = medianUpdateMs(answer, answer.length - window, answer.length);
const naive = (() => {
  const times: number[] = [];
  for (let end = answer.length - window; end <= answer.length; end += DELTA * 20) {
    const stream = new MarkdownStream();
    const start = performance.now();
    stream.update(answer.slice(0, end));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
})();

console.log(`answer length: ${answer.length.toLocaleString()} characters`);
console.log(`median update, first ${window} chars:  ${early.toFixed(3)} ms`);
console.log(`median update, last ${window} chars:   ${late.toFixed(3)} ms`);
console.log(`ratio late/early:                ${(late / early).toFixed(2)} (target: below 3)`);
console.log(`re-lexing the whole answer once: ${naive.toFixed(3)} ms (what each update would cost without splitting)`);
