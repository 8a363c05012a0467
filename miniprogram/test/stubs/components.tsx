/**
 * Taro's components as plain DOM elements for jsdom, with Taro's event shapes: an Input reports
 * `event.detail.value` to `onInput`, a Button ignores clicks while disabled.
 */
import type { ReactNode } from 'react';

type Props = Record<string, unknown> & { children?: ReactNode; className?: string };

function domProps(props: Props, omitted: string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (!omitted.includes(name)) kept[name] = value;
  }
  return kept;
}

export function View(props: Props) {
  return <div {...domProps(props, ['hoverClass'])} />;
}

export function Text(props: Props) {
  return <span {...domProps(props, ['selectable', 'userSelect'])} />;
}

export function Input(props: Props & { value?: string; maxlength?: number; onInput?: (event: { detail: { value: string } }) => void }) {
  const { onInput, maxlength, password, type, ...rest } = props;
  return (
    <input
      {...domProps(rest, [])}
      type={password ? 'password' : type === 'number' || type === 'digit' ? 'text' : (type as string | undefined)}
      maxLength={typeof maxlength === 'number' ? maxlength : undefined}
      value={props.value ?? ''}
      onChange={(event) => onInput?.({ detail: { value: event.target.value } })}
    />
  );
}

/** The file WeChat's avatar chooser hands a `<Button openType='chooseAvatar'>` when tapped (tests set it). */
export const chosenAvatar: { path: string | null } = { path: null };

export function Button(props: Props & { disabled?: boolean; onClick?: (event: unknown) => void; onChooseAvatar?: (event: { detail: { avatarUrl?: string } }) => void }) {
  const { onClick, onChooseAvatar, disabled, loading, openType, ...rest } = props;
  void loading;
  const tapped = (event: unknown) => {
    if (disabled) return;
    if (openType === 'chooseAvatar') onChooseAvatar?.({ detail: { avatarUrl: chosenAvatar.path ?? undefined } });
    onClick?.(event);
  };
  return <button type='button' {...domProps(rest, [])} data-open-type={openType as string | undefined} disabled={disabled} onClick={tapped} />;
}

export function Image(props: Props & { src?: string }) {
  return <img alt='' {...domProps(props, ['mode', 'lazyLoad'])} />;
}

export function ScrollView(props: Props) {
  return <div {...domProps(props, ['scrollY', 'scrollX', 'onScrollToLower'])} />;
}

/** Taro's Switch as a checkbox: `onChange` gets `event.detail.value`, the new state. */
export function Switch(props: Props & { checked?: boolean; disabled?: boolean; onChange?: (event: { detail: { value: boolean } }) => void }) {
  const { onChange, checked, disabled, color, ...rest } = props;
  void color;
  return (
    <input type='checkbox' {...domProps(rest, [])} checked={checked ?? false} disabled={disabled} onChange={(event) => onChange?.({ detail: { value: event.target.checked } })} />
  );
}
