/** Things Settings wants the person to know (a reset, tokens not stored), each dismissible. */
import { useSettings } from '../app-stores';
import { ErrorNotice } from '../shared/ErrorNotice';
import { AlertIcon, CloseIcon } from '../shared/icons';
import type { Notice } from '../../../preload/contract';

export function SettingsNotices({ notices }: { notices: Notice[] }) {
  const dismissNotice = useSettings((state) => state.dismissNotice);
  const noticeError = useSettings((state) => state.noticeError);
  const dismissNoticeError = useSettings((state) => state.dismissNoticeError);
  if (notices.length === 0 && !noticeError) return null;
  return (
    <div className="settings-notices">
      {notices.length > 0 && (
        <ul className="settings-notices__list" aria-label="Notices">
          {notices.map((notice) => (
            <li key={notice.id} className={`notice notice--${notice.level}`} data-testid="settings-notice">
              <AlertIcon className="notice__icon" />
              <p className="notice__body">{notice.message}</p>
              <button
                type="button"
                className="icon-button notice__dismiss"
                onClick={() => void dismissNotice(notice.id)}
                aria-label={`Dismiss notice: ${notice.message}`}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
      {noticeError && <ErrorNotice error={noticeError} onDismiss={dismissNoticeError} />}
    </div>
  );
}
