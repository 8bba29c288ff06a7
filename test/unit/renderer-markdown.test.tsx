import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../renderer/src/chat/Markdown';
import { visibleText } from './react-tree';

const ignoreLink = () => {};
const render = (text: string) => renderToStaticMarkup(<Markdown text={text} onLink={ignoreLink} />);
const renderStopped = (text: string) => renderToStaticMarkup(<Markdown text={text} onLink={ignoreLink} status="interrupted" />);
const renderStreaming = (text: string) => renderToStaticMarkup(<Markdown text={text} onLink={ignoreLink} status="streaming" />);

/** The text a reader sees in `markup`: tags dropped, React's escapes undone. */

describe('Markdown: what an answer may not do', () => {
  it('shows a raw HTML block as text, creating no element', () => {
    const markup = render('<script>alert(1)</script>');
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markup).not.toContain('<script');
  });

  it('shows inline raw HTML as text, creating no element', () => {
    const markup = render('An image: <img src=x onerror=alert(1)> and <b>bold</b>.');
    expect(markup).toContain('<p>An image: &lt;img src=x onerror=alert(1)&gt; and &lt;b&gt;bold&lt;/b&gt;.</p>');
    expect(markup).not.toMatch(/<img|<b>/);
  });

  it.each([
    ['javascript:', '[click](javascript:alert(1))', 'click'],
    ['mixed-case javascript:', '[click](JaVaScRiPt:alert(1))', 'click'],
    ['javascript: after spaces', '[click](<  javascript:alert(1)>)', 'click'],
    ['javascript: split by a tab reference', '[click](jav&#x09;ascript:alert(1))', 'click'],
    ['javascript: written as references', '[click](&#106;&#97;vascript:alert(1))', 'click'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', 'click'],
    ['vbscript:', '[click](VBScript:MsgBox(1))', 'click'],
    ['an autolink to javascript:', '<javascript:alert(1)>', 'javascript:alert(1)'],
    ['a relative address', '[click](/etc/passwd)', 'click'],
  ])('gives a link to %s no address', (_, text, label) => {
    const markup = render(text);
    expect(markup).toBe(`<div class="markdown"><p><a>${label}</a></p></div>`);
  });

  it.each([
    ['[Bedrock](https://aws.amazon.com/bedrock/)', 'https://aws.amazon.com/bedrock/', 'Bedrock'],
    ['[docs](http://example.com/a?b=1&amp;c=2)', 'http://example.com/a?b=1&amp;c=2', 'docs'],
    ['[write](mailto:team@example.com)', 'mailto:team@example.com', 'write'],
    ['<https://example.com/path>', 'https://example.com/path', 'https://example.com/path'],
  ])('gives an http, https or mailto link its address: %s', (text, href, label) => {
    expect(render(text)).toContain(`<a href="${href}" title="${href}">${label}</a>`);
  });
});

describe('Markdown: text', () => {
  it('shows character references as the characters they stand for, escaped once', () => {
    const markup = render('AT&amp;T &lt;tag&gt; &copy; &#169; &#xA9; &mdash; &amp;copy;');
    expect(markup).toBe('<div class="markdown"><p>AT&amp;T &lt;tag&gt; © © © — &amp;copy;</p></div>');
    expect(visibleText(markup)).toBe('AT&T <tag> © © © — &copy;');
  });

  it('keeps code as written: references in code are not decoded', () => {
    expect(render('Use `&amp;` here')).toContain('<code class="md-code">&amp;amp;</code>');
  });

  it.each([
    ['# Top\n\n## Section\n\n### Detail', ['h3', 'h4', 'h5']],
    ['## Section\n\n### Detail', ['h3', 'h4']],
    ['Intro\n\n### Only level three', ['h3']],
  ])('offsets headings so the page never skips a level: %j', (text, tags) => {
    const markup = render(text);
    expect([...markup.matchAll(/<(h\d) class="md-heading">/g)].map((match) => match[1])).toEqual(tags);
    expect(markup).not.toMatch(/<h[12]/);
  });

  it('sets heading levels from the first heading while streaming too', () => {
    const markup = renderStreaming('## Section\n\nText\n\n### Detail');
    expect(markup).toContain('<h3 class="md-heading">Section</h3>');
    expect(markup).toContain('<h4 class="md-heading">Detail</h4>');
  });

  it('nests lists', () => {
    expect(render('1. First\n   - inner a\n   - inner b\n2. Second')).toBe(
      '<div class="markdown"><ol start="1"><li>First<ul><li>inner a</li><li>inner b</li></ul></li><li>Second</li></ol></div>',
    );
  });

  it('shows task list items with disabled checkboxes and no raw brackets', () => {
    const markup = render('- [ ] to do\n- [x] done');
    expect(markup).toBe(
      '<div class="markdown"><ul>' +
        '<li><input type="checkbox" disabled="" aria-label="Not done"/> to do</li>' +
        '<li><input type="checkbox" disabled="" aria-label="Done" checked=""/> done</li>' +
        '</ul></div>',
    );
  });

  it('puts the checkbox of a loose task list inside its paragraph', () => {
    expect(render('- [x] done\n\n- [ ] to do')).toContain('<li><p><input type="checkbox" disabled="" aria-label="Done" checked=""/> done</p></li>');
  });

  it('aligns table columns', () => {
    expect(render('| Left | Centre | Right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |')).toBe(
      '<div class="markdown"><div class="md-table" tabindex="0" role="region" aria-label="Table"><table>' +
        '<thead><tr><th style="text-align:left">Left</th><th style="text-align:center">Centre</th><th style="text-align:right">Right</th></tr></thead>' +
        '<tbody><tr><td style="text-align:left">1</td><td style="text-align:center">2</td><td style="text-align:right">3</td></tr></tbody>' +
        '</table></div></div>',
    );
  });

  it('shows a code block with its language and its code as text', () => {
    const markup = render('```html\n<b onclick="x()">hi</b>\n```');
    expect(markup).toContain('<figure class="code-block" data-testid="code-block" data-language="html">');
    expect(markup).toContain('<code class="hljs language-html">');
    expect(markup).not.toContain('<b onclick');
    // Plain, or highlighted once the highlighter has loaded: the same text either way.
    const code = /<code class="hljs language-html">([\s\S]*)<\/code><\/pre>/.exec(markup)![1]!;
    expect(visibleText(code)).toBe('<b onclick="x()">hi</b>');
  });

  it('shows the alt text and address of an image without loading it', () => {
    const markup = render('![diagram](https://example.com/d.png)');
    expect(markup).toContain('<span class="md-image">[diagram: https://example.com/d.png]</span>');
    expect(markup).not.toContain('<img');
  });
});

describe.each([
  ['Markdown while streaming', renderStreaming],
  ['Markdown (stopped part way)', renderStopped],
])('%s: unfinished syntax at the end shows formatted', (_, renderText) => {
  it('closes bold and italic', () => {
    expect(renderText('Some **bold te')).toContain('<p>Some <strong>bold te</strong></p>');
    expect(renderText('Some *slanted te')).toContain('<p>Some <em>slanted te</em></p>');
  });

  it('closes strikethrough', () => {
    expect(renderText('Not ~~this one')).toContain('<p>Not <del>this one</del></p>');
  });

  it('shows a link whose address is still arriving as its text, with no address', () => {
    const markup = renderText('see [the docs](https://docs.aw');
    expect(markup).toContain('<p>see <a>the docs</a></p>');
    expect(markup).not.toMatch(/href|docs\.aw|\[the docs\]/);
  });

  it('closes inline code', () => {
    expect(renderText('Run `npm inst')).toContain('<p>Run <code class="md-code">npm inst</code></p>');
  });

  it('shows a table once its delimiter row has started', () => {
    const markup = renderText('| Name | Size |\n|--');
    expect(markup).toContain('<table><thead><tr><th>Name</th><th>Size</th></tr></thead><tbody></tbody></table>');
    expect(markup).not.toContain('|');
  });

  it('shows a table whose last row is still arriving', () => {
    const markup = renderText('| Name | Size |\n| --- | --- |\n| a.txt | **12');
    expect(markup).toContain('<tbody><tr><td>a.txt</td><td><strong>12</strong></td></tr></tbody>');
  });

  it('shows an unclosed code fence as a code block', () => {
    const markup = renderText('Here:\n\n```python\nprint("hi")');
    expect(markup).toContain('data-language="python"');
    expect(markup).not.toContain('```');
    expect(visibleText(/<pre[^>]*>([\s\S]*)<\/pre>/.exec(markup)![1]!)).toBe('print("hi")');
  });

  it('closes emphasis in the last item of a list', () => {
    expect(renderText('- one\n- two **thr')).toContain('<ul><li>one</li><li>two <strong>thr</strong></li></ul>');
  });

  it('shows an image whose address is still arriving by its alt text alone', () => {
    expect(renderText('![diagram](https://example.com/d.p')).toContain('<span class="md-image">[diagram]</span>');
  });

  it('keeps an unclosed bracket that starts no link', () => {
    expect(renderText('The range [0, 1)')).toContain('<p>The range [0, 1)</p>');
  });

  it('heals only the last block: a finished block keeps its literal markers', () => {
    const markup = renderText('Call it with **kwargs.\n\nThen *more');
    expect(markup).toContain('<p>Call it with **kwargs.</p>');
    expect(markup).toContain('<p>Then <em>more</em></p>');
  });
});

describe('Markdown: a finished answer', () => {
  it('is shown exactly as written: nothing is healed', () => {
    expect(render('Use the _x')).toContain('<p>Use the _x</p>');
    expect(render('Some **bold te')).toContain('<p>Some **bold te</p>');
  });
});

describe('Markdown while streaming: addresses still arriving', () => {
  it('does not open a bare address that reaches the end of the text', () => {
    const markup = renderStreaming('More at https://docs.aws.amazon.com/bed');
    expect(markup).toContain('<p>More at <a>https://docs.aws.amazon.com/bed</a></p>');
    expect(markup).not.toContain('href');
  });

  it('opens a bare address once something follows it', () => {
    expect(renderStreaming('More at https://docs.aws.amazon.com/bedrock/ and')).toContain(
      '<a href="https://docs.aws.amazon.com/bedrock/" title="https://docs.aws.amazon.com/bedrock/">https://docs.aws.amazon.com/bedrock/</a>',
    );
  });

  it('opens a finished answer ending in a bare address', () => {
    expect(render('More at https://docs.aws.amazon.com/bedrock/')).toContain('href="https://docs.aws.amazon.com/bedrock/"');
  });
});
