/** The conversation list: new, search, open, rename, delete. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useConversations } from '../app-stores';
import { useNow } from '../shared/clock';
import { formatRelativeTime } from './chat-format';

/** "5 min ago", kept current. */
function RelativeTime({ at }: { at: number }) {
  const now = useNow();
  return <time dateTime={new Date(at).toISOString()}>{formatRelativeTime(at, now)}</time>;
}

function ConversationItem({ id, title, preview, updatedAt, selected }: { id: string; title: string; preview: string; updatedAt: number; selected: boolean }) {
  const select = useConversations((s) => s.select);
  const rename = useConversations((s) => s.rename);
  const remove = useConversations((s) => s.remove);
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [draft, setDraft] = useState(title);
  // Enter, Escape and leaving the field all end the rename; only the first counts.
  const renaming = useRef(false);

  const startRename = () => {
    renaming.current = true;
    setDraft(title);
    setMode('rename');
  };
  const endRename = (save: boolean) => {
    if (!renaming.current) return;
    renaming.current = false;
    if (save && draft.trim() && draft.trim() !== title) void rename(id, draft.trim());
    setMode('view');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    endRename(true);
  };

  return (
    <li className={`conversation-item${selected ? ' conversation-item--selected' : ''}`} data-testid="conversation-item" data-conversation-id={id}>
      {mode === 'rename' ? (
        <form onSubmit={submit} className="conversation-item__rename">
          <input
            aria-label="Conversation name"
            value={draft}
            autoFocus
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') endRename(false);
            }}
            onBlur={() => endRename(true)}
          />
        </form>
      ) : (
        <button
          type="button"
          className="conversation-item__open"
          aria-current={selected ? 'true' : undefined}
          onClick={() => void select(id)}
          onKeyDown={(e) => {
            if (e.key === 'F2') startRename();
          }}
        >
          <span className="conversation-item__title">{title}</span>
          <span className="conversation-item__meta">
            <RelativeTime at={updatedAt} />
            {preview && <span className="conversation-item__preview"> · {preview}</span>}
          </span>
        </button>
      )}
      {mode === 'confirm-delete' ? (
        <span className="conversation-item__confirm" role="group" aria-label={`Delete ${title}?`}>
          <button type="button" className="button button--small button--danger" autoFocus onClick={() => void remove(id)} data-testid="confirm-delete-button">
            Delete
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => setMode('view')}>
            Keep
          </button>
        </span>
      ) : (
        mode === 'view' && (
          <span className="conversation-item__actions">
            <button
              type="button"
              className="button button--small button--ghost"
              aria-label={`Rename ${title}`}
              title="Rename (F2)"
              onClick={startRename}
              data-testid="rename-conversation-button"
            >
              Rename
            </button>
            <button
              type="button"
              className="button button--small button--ghost"
              aria-label={`Delete ${title}`}
              onClick={() => setMode('confirm-delete')}
              data-testid="delete-conversation-button"
            >
              Delete
            </button>
          </span>
        )
      )}
    </li>
  );
}

export function Sidebar() {
  const conversations = useConversations((s) => s.list);
  const openId = useConversations((s) => s.selectedId);
  const query = useConversations((s) => s.query);
  const search = useConversations((s) => s.search);
  const create = useConversations((s) => s.create);
  const [text, setText] = useState(query);

  // Search as the person types, once they pause.
  useEffect(() => {
    if (text === query) return;
    const timer = setTimeout(() => void search(text), 200);
    return () => clearTimeout(timer);
  }, [text, query, search]);

  const mac = navigator.platform.toLowerCase().includes('mac');
  return (
    <nav className="sidebar" aria-label="Conversations">
      <button
        type="button"
        className="button button--primary sidebar__new"
        onClick={() => void create()}
        title={`New conversation (${mac ? '⌘' : 'Ctrl+'}N)`}
        aria-keyshortcuts={mac ? 'Meta+N' : 'Control+N'}
        data-testid="new-conversation-button"
      >
        New conversation
      </button>
      <input
        type="search"
        className="sidebar__search"
        placeholder="Search conversations"
        aria-label="Search conversations"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="conversation-search"
      />
      {conversations.length === 0 ? (
        <p className="sidebar__empty">{query ? 'No conversation matches.' : 'Your conversations will appear here.'}</p>
      ) : (
        <ul className="conversation-list" data-testid="conversation-list">
          {conversations.map((c) => (
            <ConversationItem key={c.id} id={c.id} title={c.title} preview={c.preview} updatedAt={c.updatedAt} selected={c.id === openId} />
          ))}
        </ul>
      )}
    </nav>
  );
}
