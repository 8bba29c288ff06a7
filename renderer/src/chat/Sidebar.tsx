/**
 * The conversation list: new, search, open, rename, delete. The list is one
 * Tab stop; the arrow keys, Home and End move inside it. Rename and Delete
 * are in each entry's menu (its ⋯ button, a right-click, or the Menu key /
 * Shift+F10) and on F2 and Delete.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { MarkedText } from '../../../preload/contract';
import { LIMITS } from '../../../preload/limits';
import { useConversations } from '../app-stores';
import { useShowShortcuts } from '../help/ShortcutsSheet';
import { useNow } from '../shared/clock';
import { Menu } from '../shared/Menu';
import { focusAfterRemoval, movedIndex, tabbableId } from '../shared/roving-focus';
import { ariaKeyShortcuts, isMac, matchesShortcut, shortcuts, withShortcut } from '../shared/shortcuts';
import { useShortcut } from '../shared/use-shortcut';
import { formatRelativeTime } from './chat-format';
import './Sidebar.css';

/** "5 min ago", kept current. */
function RelativeTime({ at }: { at: number }) {
  const now = useNow();
  return <time dateTime={new Date(at).toISOString()}>{formatRelativeTime(at, now)}</time>;
}

/** A search snippet: the matched words in <mark>, the rest as text (never HTML). */
function Snippet({ match }: { match: MarkedText }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of match.marks) {
    if (start < at || end > match.text.length) continue;
    if (start > at) parts.push(match.text.slice(at, start));
    parts.push(<mark key={start}>{match.text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(match.text.slice(at));
  return (
    <span className="conversation-item__match" data-testid="conversation-match">
      {parts}
    </span>
  );
}

function MoreIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" fill="currentColor" aria-hidden="true" focusable="false">
      <circle cx="5" cy="12" r="1.8" />
      <circle cx="12" cy="12" r="1.8" />
      <circle cx="19" cy="12" r="1.8" />
    </svg>
  );
}

interface ConversationItemProps {
  id: string;
  title: string;
  preview: string;
  /** In search results: the passage that matched. */
  match?: MarkedText;
  updatedAt: number;
  selected: boolean;
  /** This entry holds the list's one Tab stop. */
  tabbable: boolean;
  /** The keys that work on an entry, for aria-keyshortcuts. */
  keyHints: string;
  onFocusEntry: (id: string) => void;
  /** An arrow key, Home or End was pressed on the entry. */
  onMove: (id: string, key: string) => void;
  /** Deletes the entry and moves focus on; false if it could not be deleted. */
  onDelete: (id: string) => Promise<boolean>;
}

function ConversationItem({ id, title, preview, match, updatedAt, selected, tabbable, keyHints, onFocusEntry, onMove, onDelete }: ConversationItemProps) {
  const select = useConversations((s) => s.select);
  const rename = useConversations((s) => s.rename);
  const [mode, setMode] = useState<'view' | 'menu' | 'rename' | 'confirm-delete'>('view');
  const [draft, setDraft] = useState(title);
  const menuId = useId();
  const openButton = useRef<HTMLButtonElement>(null);
  // Enter, Escape and leaving the field all end the rename; only the first counts.
  const renaming = useRef(false);
  // Set when a rename, menu or confirmation ends from the keyboard: focus goes back to the entry.
  const refocus = useRef(false);

  useEffect(() => {
    if (mode !== 'view' || !refocus.current) return;
    refocus.current = false;
    openButton.current?.focus();
  }, [mode]);

  const backToEntry = () => {
    refocus.current = true;
    setMode('view');
  };
  const startRename = () => {
    renaming.current = true;
    setDraft(title);
    setMode('rename');
  };
  const endRename = (save: boolean, returnFocus: boolean) => {
    if (!renaming.current) return;
    renaming.current = false;
    if (save && draft.trim() && draft.trim() !== title) void rename(id, draft.trim());
    refocus.current = returnFocus;
    setMode('view');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    endRename(true, true);
  };
  const confirmDelete = async () => {
    if (!(await onDelete(id))) backToEntry();
  };

  const onEntryKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const mac = isMac();
    let handled = true;
    if (matchesShortcut(shortcuts.moveInList, event, mac)) onMove(id, event.key);
    else if (matchesShortcut(shortcuts.renameConversation, event, mac)) startRename();
    else if (matchesShortcut(shortcuts.deleteConversation, event, mac)) setMode('confirm-delete');
    else if (matchesShortcut(shortcuts.conversationMenu, event, mac)) setMode('menu');
    else handled = false;
    if (handled) event.preventDefault();
  };
  const openMenuHere = (event: MouseEvent) => {
    // Right-click (and the Menu key, which Chromium also reports as a context menu) opens the entry's own menu.
    if (mode === 'rename') return;
    event.preventDefault();
    setMode('menu');
  };

  return (
    <li
      className={`conversation-item${selected ? ' conversation-item--selected' : ''}`}
      data-testid="conversation-item"
      data-conversation-id={id}
      onContextMenu={openMenuHere}
    >
      {mode === 'rename' ? (
        <form onSubmit={submit} className="conversation-item__rename">
          <input
            aria-label={`New name for ${title}`}
            value={draft}
            autoFocus
            maxLength={LIMITS.title}
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') endRename(false, true);
            }}
            onBlur={() => endRename(true, false)}
          />
        </form>
      ) : (
        <>
          <button
            ref={openButton}
            type="button"
            className="conversation-item__open"
            tabIndex={tabbable ? 0 : -1}
            aria-current={selected ? 'true' : undefined}
            aria-keyshortcuts={keyHints}
            onClick={() => void select(id)}
            onKeyDown={onEntryKeyDown}
            onFocus={() => onFocusEntry(id)}
            data-testid="open-conversation-button"
          >
            <span className="conversation-item__title">{title}</span>
            {match && <Snippet match={match} />}
            <span className="conversation-item__meta">
              <RelativeTime at={updatedAt} />
              {preview && <span className="conversation-item__preview"> · {preview}</span>}
            </span>
          </button>
          {/* For the mouse; keyboard users reach the same menu with the Menu key or Shift+F10, so it is no Tab stop. */}
          <button
            type="button"
            tabIndex={-1}
            className="icon-button conversation-item__more"
            aria-label={`More actions for ${title}`}
            title="More actions"
            aria-haspopup="menu"
            aria-expanded={mode === 'menu'}
            aria-controls={mode === 'menu' ? menuId : undefined}
            onClick={() => setMode((current) => (current === 'menu' ? 'view' : 'menu'))}
            data-testid="conversation-menu-button"
          >
            <MoreIcon />
          </button>
        </>
      )}
      {mode === 'menu' && (
        <Menu
          id={menuId}
          label={`Actions for ${title}`}
          items={[
            { label: 'Rename', onSelect: startRename, testId: 'rename-conversation-button' },
            { label: 'Delete', onSelect: () => setMode('confirm-delete'), danger: true, testId: 'delete-conversation-button' },
          ]}
          onClose={(returnFocus) => (returnFocus ? backToEntry() : setMode('view'))}
        />
      )}
      {mode === 'confirm-delete' && (
        <span
          className="conversation-item__confirm"
          role="group"
          aria-label={`Delete ${title}?`}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            backToEntry();
          }}
          onBlur={(e) => {
            // Focus went elsewhere: the question lapses, as if they chose Keep.
            if (!e.currentTarget.contains(e.relatedTarget)) setMode('view');
          }}
        >
          <button type="button" className="button button--small button--danger" autoFocus onClick={() => void confirmDelete()} data-testid="confirm-delete-button">
            Delete
          </button>
          <button type="button" className="button button--small button--secondary" onClick={backToEntry}>
            Keep
          </button>
        </span>
      )}
    </li>
  );
}

/** The left column: New conversation, search, the list, and the Keyboard shortcuts button. */
export function Sidebar() {
  const conversations = useConversations((s) => s.list);
  const openId = useConversations((s) => s.selectedId);
  const query = useConversations((s) => s.query);
  const search = useConversations((s) => s.search);
  const create = useConversations((s) => s.startNew);
  const remove = useConversations((s) => s.remove);
  const nextCursor = useConversations((s) => s.nextCursor);
  const loadMore = useConversations((s) => s.loadMore);
  const showShortcuts = useShowShortcuts();
  const [text, setText] = useState(query);
  const [lastFocusedId, setLastFocusedId] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);

  // Search as the person types, once they pause.
  useEffect(() => {
    if (text === query) return;
    const timer = setTimeout(() => void search(text), 200);
    return () => clearTimeout(timer);
  }, [text, query, search]);

  useShortcut(shortcuts.searchConversations, () => {
    searchBox.current?.focus();
    searchBox.current?.select();
  });

  /** Loads the next page once the person is near the end of what is loaded (or it doesn't fill the column). */
  const loadIfNearEnd = () => {
    const box = scroller.current;
    if (nextCursor === null || !box) return;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 400) void loadMore();
  };
  useEffect(loadIfNearEnd);

  const ids = conversations.map((c) => c.id);
  const tabbable = tabbableId(ids, lastFocusedId, openId);
  const focusEntry = (id: string) => {
    list.current?.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id)}"] .conversation-item__open`)?.focus();
  };
  const move = (id: string, key: string) => {
    const next = movedIndex(ids.length, ids.indexOf(id), key);
    if (next !== null) focusEntry(ids[next]!);
    // Reaching the last loaded entry from the keyboard fetches the next page, as scrolling does.
    if (next === ids.length - 1 && nextCursor !== null) void loadMore();
  };
  const deleteEntry = async (id: string) => {
    const next = focusAfterRemoval(ids, id);
    if (!(await remove(id))) return false;
    // Stay in the list: on the entry that took its place, or the search box once the list is empty.
    if (next) focusEntry(next);
    else searchBox.current?.focus();
    return true;
  };

  const mac = isMac();
  const keyHints = [shortcuts.renameConversation, shortcuts.deleteConversation, shortcuts.conversationMenu].map((s) => ariaKeyShortcuts(s, mac)).join(' ');
  return (
    <nav className="sidebar" aria-label="Conversations">
      <button
        type="button"
        className="button button--primary sidebar__new"
        onClick={() => create()}
        title={withShortcut('New conversation', shortcuts.newConversation, mac)}
        aria-keyshortcuts={ariaKeyShortcuts(shortcuts.newConversation, mac)}
        data-testid="new-conversation-button"
      >
        New conversation
      </button>
      <input
        ref={searchBox}
        type="search"
        className="sidebar__search"
        placeholder="Search conversations"
        aria-label="Search conversations"
        aria-keyshortcuts={ariaKeyShortcuts(shortcuts.searchConversations, mac)}
        value={text}
        maxLength={LIMITS.search}
        onChange={(e) => setText(e.target.value)}
        data-testid="conversation-search"
      />
      <div ref={scroller} className="sidebar__list" onScroll={loadIfNearEnd}>
        {conversations.length === 0 ? (
          <p className="sidebar__empty">{query ? 'No conversation matches.' : 'Your conversations will appear here.'}</p>
        ) : (
          <ul ref={list} className="conversation-list" data-testid="conversation-list">
            {conversations.map((c) => (
              <ConversationItem
                key={c.id}
                id={c.id}
                title={c.title}
                preview={c.preview}
                match={c.match}
                updatedAt={c.updatedAt}
                selected={c.id === openId}
                tabbable={c.id === tabbable}
                keyHints={keyHints}
                onFocusEntry={setLastFocusedId}
                onMove={move}
                onDelete={deleteEntry}
              />
            ))}
          </ul>
        )}
      </div>
      <div className="sidebar__footer">
        <button
          type="button"
          className="button button--quiet sidebar__shortcuts"
          onClick={showShortcuts}
          title={withShortcut('Keyboard shortcuts', shortcuts.showShortcuts, mac)}
          aria-keyshortcuts={ariaKeyShortcuts(shortcuts.showShortcuts, mac)}
          data-testid="shortcuts-button"
        >
          Keyboard shortcuts
        </button>
      </div>
    </nav>
  );
}
