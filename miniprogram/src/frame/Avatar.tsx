import { Image, Text, View } from '@tarojs/components';
import { apiBaseUrl } from '../services';

/** Warm colours that white text reads on (WCAG AA for large text). */
const COLOURS = ['#c2272d', '#b4481b', '#8a5a00', '#1f7a35', '#1d6fa3', '#6b3fa0', '#a3306f', '#4a5568'];

/** The same colour for the same name, on every device. */
function avatarColour(nickname: string): string {
  let hash = 0;
  for (const char of nickname) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** The initial shown: the last character of a Chinese name (as 小红 → 红), the first letter otherwise. */
function avatarInitial(nickname: string): string {
  const chars = Array.from(nickname.trim());
  if (chars.length === 0) return '?';
  const last = chars[chars.length - 1];
  return /\p{Script=Han}/u.test(last) && !/^用户/.test(nickname) ? last : chars[0].toUpperCase();
}

/**
 * A person's face: the one they uploaded (`url`, as the service names it), else one generated
 * from the nickname, a coloured disc with its initial.
 */
export function Avatar({ nickname, url, size = 'normal' }: { nickname: string; url?: string | null; size?: 'normal' | 'large' }) {
  if (url) {
    // The service names it by path; weapp loads images from the API's own address.
    const src = url.startsWith('/') ? `${apiBaseUrl()}${url}` : url;
    return <Image className={`avatar avatar-${size} avatar-image`} src={src} mode='aspectFill' data-testid='avatar-image' />;
  }
  return (
    <View className={`avatar avatar-${size}`} style={{ background: avatarColour(nickname) }} data-testid='avatar'>
      <Text>{avatarInitial(nickname)}</Text>
    </View>
  );
}
