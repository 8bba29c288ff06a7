/**
 * The conversation list: new, search, open, rename, delete. The list is one
 * Tab stop; the arrow keys, Home and End move inside it. Rename and Delete
 * are in each entry's menu (its ⋯ button, a right-click, or the Menu key /
 * Shift+F10) and on F2 and Delete.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useReducer, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import type { MarkedText } from '../../../preload/contract';
import { LIMITS } from '../../../preload/limits';
import { useConversations } from '../app-stores';
import { DiagnosticsButton } from '../help/DiagnosticsButton';
import { useShowShortcuts } from '../help/ShortcutsSheet';
import { CheckForUpdatesButton } from '../updates/CheckForUpdatesButton';
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
  /** Where the entry is in the list (from 0), and how long the list is (-1: more pages to come). */
  index: number;
  setSize: number;
  /** The virtualiser's place for the entry (offset in pixels) and its measuring ref. */
  top: number;
  measure: (element: HTMLLIElement | null) => void;
  /** Focus came into the entry (its button, its menu, its rename field…). */
  onFocusEntry: (id: string) => void;
  /** An arrow key, Home or End was pressed on the entry. */
  onMove: (id: string, key: string) => void;
  /** Deletes the entry and moves focus on; false if it could not be deleted. */
  onDelete: (id: string) => Promise<boolean>;
}

function ConversationItem({ id, title, preview, match, updatedAt, selected, tabbable, keyHints, index, setSize, top, measure, onFocusEntry, onMove, onDelete }: ConversationItemProps) {
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
      ref={measure}
      className={`conversation-item${selected ? ' conversation-item--selected' : ''}`}
      data-testid="conversation-item"
      data-conversation-id={id}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      style={{ transform: `translateY(${top}px)` }}
      onContextMenu={openMenuHere}
      onFocus={() => onFocusEntry(id)}
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

/** The left column: New conversation, search, the list, and Help (Keyboard shortcuts, Copy diagnostics, Check for updates). */
export function Sidebar() {
  const query = useConversations((s) => s.query);
  const search = useConversations((s) => s.search);
  const create = useConversations((s) => s.startNew);
  const showShortcuts = useShowShortcuts();
  const [text, setText] = useState(query);
  const searchBox = useRef<HTMLInputElement>(null);

  // Search on every change: main searches off its main thread and stops a search typed past; the store keeps only the latest answer.
  useEffect(() => {
    if (text !== query) void search(text);
  }, [text, query, search]);

  useShortcut(shortcuts.searchConversations, () => {
    searchBox.current?.focus();
    searchBox.current?.select();
  });

  const mac = isMac();
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
      <ConversationList onEmptied={() => searchBox.current?.focus()} />
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
        <DiagnosticsButton />
        <CheckForUpdatesButton />
      </div>
    </nav>
  );
}

/** A first guess at an entry's height (its title and date line), until it is measured. */
const ENTRY_HEIGHT = 58;
/** What a search result's passage adds to that (two lines, at most). */
const MATCH_HEIGHT = 40;
/** The space between entries. */
const GAP = 2;
/** How far the list sits inside its scrolling column (the column's padding in Sidebar.css, room for focus rings). */
const LIST_INSET = 4;

/**
 * The conversations (or the search's results), virtualised: only the entries
 * in or near the view are in the page, each measured as it renders, so ten
 * thousand conversations cost what a screenful does. Pages load as the
 * person nears the end, by scrolling or from the keyboard.
 */
function ConversationList({ onEmptied }: { onEmptied: () => void }) {
  const conversations = useConversations((s) => s.list);
  const openId = useConversations((s) => s.selectedId);
  const query = useConversations((s) => s.query);
  const remove = useConversations((s) => s.remove);
  const nextCursor = useConversations((s) => s.nextCursor);
  const loadMore = useConversations((s) => s.loadMore);
  const [lastFocusedId, setLastFocusedId] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const ids = conversations.map((c) => c.id);
  const tabbable = tabbableId(ids, lastFocusedId, openId);
  const tabbableIndex = tabbable === null ? -1 : ids.indexOf(tabbable);

  // The entry holding the list's Tab stop stays in the page however far it is scrolled out of view.
  // Tab then lands where the person left the list (or on the open conversation), as in any list,
  // and the browser scrolls it into view; a screen reader hears that entry and its place ("57 of
  // 300"). Handing the Tab stop to the list itself instead would announce a bare list and then
  // jump. It also keeps a focused entry, with its rename field, menu or question, alive while the
  // person scrolls away with the mouse.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      if (tabbableIndex === -1 || indexes.includes(tabbableIndex)) return indexes;
      return [...indexes, tabbableIndex].sort((a, b) => a - b);
    },
    [tabbableIndex],
  );

  // No React Compiler here: the list re-renders whenever the virtualiser says something changed.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLLIElement>({
    count: conversations.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => ENTRY_HEIGHT + (conversations[index]!.match ? MATCH_HEIGHT : 0),
    getItemKey: (index) => conversations[index]!.id,
    overscan: 5,
    gap: GAP,
    scrollMargin: LIST_INSET,
    rangeExtractor,
  });

  /** Loads the next page once the person is near the end of what is loaded (or it doesn't fill the column). */
  const loadIfNearEnd = () => {
    const box = scroller.current;
    if (nextCursor === null || !box) return;
    if (box.scrollTop + box.clientHeight >= box.scrollHeight - 400) void loadMore();
  };
  useEffect(loadIfNearEnd);

  // The entry to focus after the next render; see focusEntry.
  const focusWanted = useRef<string | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  /**
   * Focuses an entry that may not be in the page: it becomes the Tab stop,
   * so the next render puts it there, and then it is scrolled into view and
   * focused.
   */
  const focusEntry = (id: string) => {
    focusWanted.current = id;
    setLastFocusedId(id);
    // Renders even if it already was the Tab stop (a deleted entry's neighbour can be).
    rerender();
  };
  useLayoutEffect(() => {
    const id = focusWanted.current;
    if (id === null) return;
    focusWanted.current = null;
    const index = ids.indexOf(id);
    if (index === -1) return;
    // The virtualiser scrolls (and corrects once the entries around it are measured); the browser's own scroll would use the guessed place.
    virtualizer.scrollToIndex(index);
    scroller.current?.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id)}"] .conversation-item__open`)?.focus({ preventScroll: true });
  });

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
    else onEmptied();
    return true;
  };

  const mac = isMac();
  const keyHints = [shortcuts.renameConversation, shortcuts.deleteConversation, shortcuts.conversationMenu].map((s) => ariaKeyShortcuts(s, mac)).join(' ');
  // Screen readers learn each entry's place from aria-posinset; -1 says more pages are still to come.
  const setSize = nextCursor === null ? conversations.length : -1;
  return (
    <div ref={scroller} className="sidebar__list" onScroll={loadIfNearEnd}>
      {conversations.length === 0 ? (
        <p className="sidebar__empty">{query ? 'No conversation matches.' : 'Your conversations will appear here.'}</p>
      ) : (
        <ul className="conversation-list" data-testid="conversation-list" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const c = conversations[item.index]!;
            return (
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
                index={item.index}
                setSize={setSize}
                top={item.start - LIST_INSET}
                measure={virtualizer.measureElement}
                onFocusEntry={setLastFocusedId}
                onMove={move}
                onDelete={deleteEntry}
              />
            );
          })}
        </ul>
      )}
    </div>
  );
}
