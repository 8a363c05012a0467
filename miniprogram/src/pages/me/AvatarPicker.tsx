import { Button, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { AVATAR_MAX_BYTES, type User } from '@liuliang/shared';
import { useState, type ChangeEvent } from 'react';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';
import { PAGES } from '../../navigation';

const TOO_LARGE = `图片太大了，请选一张 ${AVATAR_MAX_BYTES / 1024} KB 以内的图片`;
const ACCEPTED = 'image/png,image/jpeg,image/webp,image/gif';

/** A file chosen on weapp (chooseAvatar hands a temporary path), read as base64. */
function readWeappFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().readFile({
      filePath,
      encoding: 'base64',
      success: (result) => resolve(String(result.data)),
      fail: reject,
    });
  });
}

/** A file chosen in a browser, read as base64 (without the data: prefix). */
function readBrowserFile(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

const base64Bytes = (base64: string) => Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

/**
 * 更换头像: on weapp WeChat's own avatar chooser (`<Button openType='chooseAvatar'>`), in a
 * browser a file input. The service decides whether it is an image (by its bytes); the size is
 * checked here first, so a photo straight off a camera is refused before it is sent.
 */
export function AvatarPicker({ user, onChanged, onError }: { user: User; onChanged: (user: User) => void; onError: (message: string | null) => void }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);

  async function upload(read: Promise<string>) {
    setBusy(true);
    onError(null);
    try {
      const base64 = await read;
      if (base64Bytes(base64) > AVATAR_MAX_BYTES) return onError(TOO_LARGE);
      onChanged(await api.uploadAvatar(base64));
      void Taro.showToast({ title: '头像已更新', icon: 'none' });
    } catch (failure) {
      onError(failureMessage(failure, PAGES.me, { VALIDATION_FAILED: '请选择 PNG、JPEG、WebP 或 GIF 图片' }));
    } finally {
      setBusy(false);
    }
  }

  async function reset() {
    setBusy(true);
    try {
      onChanged(await api.clearAvatar());
      onError(null);
    } catch (failure) {
      onError(failureMessage(failure, PAGES.me));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className='field-row'>
      {process.env.TARO_ENV === 'weapp' ? (
        <Button
          className='btn-link'
          data-testid='choose-avatar'
          openType='chooseAvatar'
          disabled={busy}
          onChooseAvatar={(event: { detail: { avatarUrl?: string } }) => event.detail.avatarUrl && void upload(readWeappFile(event.detail.avatarUrl))}
        >
          {busy ? '上传中…' : '更换头像'}
        </Button>
      ) : (
        <label className='btn-link file-button'>
          {busy ? '上传中…' : '更换头像'}
          <input
            className='file-input'
            data-testid='avatar-file'
            type='file'
            accept={ACCEPTED}
            disabled={busy}
            onChange={(event: ChangeEvent<HTMLInputElement>) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (!file) return;
              if (file.size > AVATAR_MAX_BYTES) onError(TOO_LARGE);
              else void upload(readBrowserFile(file));
            }}
          />
        </label>
      )}
      {user.avatarUrl && (
        <Button className='btn-link' data-testid='reset-avatar' disabled={busy} onClick={reset}>
          用默认头像
        </Button>
      )}
    </View>
  );
}
