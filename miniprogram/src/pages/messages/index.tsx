import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { Page } from '../../frame/Page';
import { PAGES } from '../../navigation';
import { useSignedIn } from '../../session/guard';
import type { Notice } from '../../wallet/notices';
import { useNotices } from '../../wallet/useNotices';

/**
 * 消息: data about to expire (with 转赠 / 红包 at hand), gifts claimed or refunded, packets
 * finished or refunded, shares grabbed. Unread lines carry a dot; opening one marks it read,
 * 全部已读 marks every line shown. The marks are kept by the service, per user.
 */
export default function MessagesPage() {
  const signedIn = useSignedIn(PAGES.messages);
  const { notices, read, unread, error, markRead } = useNotices(PAGES.messages);

  if (!signedIn) return <View className='page' />;

  function open(notice: Notice) {
    void markRead([notice.id]);
    if (notice.url) void Taro.navigateTo({ url: notice.url });
  }

  function go(event: { stopPropagation(): void }, notice: Notice, url: string) {
    // The row's own tap would mark it again.
    event.stopPropagation();
    void markRead([notice.id]);
    void Taro.navigateTo({ url });
  }

  return (
    <Page title='消息'>
      <ErrorMessage message={error} />
      {notices !== null && unread > 0 && (
        <View className='notice-toolbar'>
          <Text className='muted' data-testid='unread-count'>{`${unread} 条未读`}</Text>
          <Button className='btn-link' data-testid='mark-all-read' onClick={() => void markRead(notices.map((notice) => notice.id))}>
            全部已读
          </Button>
        </View>
      )}
      <View className='card'>
        {(notices ?? []).map((notice) => (
          <View
            className={`list-row${read.has(notice.id) ? '' : ' notice-unread'}`}
            data-testid='notice'
            data-read={read.has(notice.id) ? 'yes' : 'no'}
            key={notice.id}
            onClick={() => open(notice)}
          >
            <View className='list-row-main'>
              <Text className='list-row-title'>{notice.text}</Text>
              {notice.at && <Text className='muted'>{formatShortTime(notice.at)}</Text>}
              {notice.kind === 'expiring' && (
                <View className='field-row'>
                  <Button className='btn-plain' data-testid='notice-gift' onClick={(event) => go(event, notice, PAGES.gift)}>
                    转赠
                  </Button>
                  <Button className='btn-plain' data-testid='notice-packet' onClick={(event) => go(event, notice, PAGES.sendPacket)}>
                    发红包
                  </Button>
                </View>
              )}
            </View>
            {notice.url && <Text className='chevron'>›</Text>}
          </View>
        ))}
        {notices !== null && notices.length === 0 && (
          <Text className='muted history-state' data-testid='notices-empty'>
            暂时没有消息
          </Text>
        )}
      </View>
    </Page>
  );
}
