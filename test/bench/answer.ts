/**
 * The benchmark's answer: Markdown the way long model answers look
 * (paragraphs, lists, tables, 40-line code blocks) ending with a 400-line
 * code block, generated deterministically so every run streams the same bytes.
 */

const WORDS = (
  'queue shard partition consumer producer latency throughput retry backoff idempotent checkpoint replica ' +
  'region bucket object lifecycle archive index cache eviction window batch stream offset commit lease'
).split(' ');

/** A small deterministic generator (mulberry32), so the answer is the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function codeBlock(next: () => number, lines: number, label: string): string {
  const body: string[] = [`export function ${label}(items: number[]): number {`, '  let total = 0;'];
  for (let i = 0; body.length < lines - 1; i++) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    body.push(i % 5 === 0 ? `  // ${word}: keep the ${WORDS[i % WORDS.length]} bounded` : `  total += items[${i % 16}] * ${(next() * 100).toFixed(0)}; // ${word}`);
  }
  body.push('}');
  return ['```typescript', ...body, '```'].join('\n');
}

/** A Markdown answer of exactly `chars` characters (at least a few hundred), ending with a `finalCodeLines`-line code block. */
export function benchAnswer(chars: number, finalCodeLines = 400): string {
  const next = random(8);
  const sentence = () => {
    const words = Array.from({ length: 8 + Math.floor(next() * 10) }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    const text = words.join(' ');
    return `${text[0]!.toUpperCase()}${text.slice(1)}, with **${words[1]}** and \`${words[2]}\`.`;
  };
  const sections = [
    (n: number) => `## Part ${n}\n\n${Array.from({ length: 4 }, sentence).join(' ')}`,
    () => Array.from({ length: 6 }, (_, i) => `${i + 1}. ${sentence()}`).join('\n'),
    () =>
      [
        '| Option | Latency | Cost | Notes |',
        '| --- | ---: | ---: | --- |',
        ...Array.from({ length: 8 }, (_, i) => `| ${WORDS[i]} | ${(next() * 90).toFixed(1)} ms | $${(next() * 9).toFixed(2)} | ${sentence()} |`),
      ].join('\n'),
    (n: number) => codeBlock(next, 40, `part${n}`),
    () => Array.from({ length: 5 }, () => `- ${sentence()}`).join('\n'),
  ];
  const ending = `The whole program:\n\n${codeBlock(next, finalCodeLines, 'program')}\n`;
  const budget = chars - ending.length;
  let prose = '';
  for (let n = 0; ; n++) {
    const part = `${sections[n % sections.length]!(n)}\n\n`;
    if (prose.length + part.length > budget) break;
    prose += part;
  }
  // Whole sections only (a cut code fence would swallow the rest); a plain paragraph fills the gap exactly.
  let filler = '';
  while (filler.length < budget - prose.length) filler += `${sentence()} `;
  const gap = budget - prose.length;
  if (gap > 0) prose += gap > 2 ? `${filler.slice(0, gap - 2).trimEnd().padEnd(gap - 2, '.')}\n\n` : '\n'.repeat(gap);
  return prose + ending;
}
