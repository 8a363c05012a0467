import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { ACTIVITY_TYPES, formatMb, RAIN_TIMES_MAX, type Activity, type ActivityStatus, type MySponsor } from '@liuliang/shared';
import { useState } from 'react';
import { IdempotentAction } from '../../api/idempotency';
import { ApiError, isOutcomeUnknown } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { Page } from '../../frame/Page';
import { formatDate } from '../../format/time';
import { PAGES, sponsorReportPath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { parseWholeMb } from '../../forms/validation';
import { useLimits } from '../../hooks/useLimits';
import {
  ACTIVITY_TYPE_NAMES,
  checkActivityForm,
  DEFAULT_TEMPLATES,
  fieldErrorOf,
  type ActivityField,
  type ActivityFormError,
  type ActivityFormFields,
  type ActivityType,
} from './activityForm';
import { FundWarnings } from './FundWarnings';
import { BroadcastForm } from './BroadcastForm';
import { CouponBatches } from './CouponBatches';
import { TemplateEditor } from './TemplateEditor';

const STATUS_NAMES: Record<ActivityStatus, string> = { draft: '草稿', published: '已发布，未开始', running: '进行中', paused: '已暂停', ended: '已结束' };
type Step = 'publish' | 'pause' | 'resume' | 'end';
const STEPS_BY_STATUS: Record<ActivityStatus, Array<[Step, string]>> = {
  draft: [
    ['publish', '发布'],
    ['end', '作废'],
  ],
  published: [
    ['pause', '暂停'],
    ['end', '结束'],
  ],
  running: [
    ['pause', '暂停'],
    ['end', '结束'],
  ],
  paused: [
    ['resume', '恢复'],
    ['end', '结束'],
  ],
  ended: [],
};

const EMPTY_FORM: ActivityFormFields = {
  type: 'signin',
  title: '',
  budgetText: '',
  perUserCapText: '',
  rewardMode: 'fixed',
  amountText: '',
  minText: '',
  maxText: '',
  daysText: '7',
  template: DEFAULT_TEMPLATES.signin,
  helpersText: '3',
  rainTimes: [''],
  rainCountText: '',
  rainTotalText: '',
  rainRoomsText: '',
};

/** What is wrong with one field, shown under it. */
function FieldError({ error, field }: { error: ActivityFormError | null; field: ActivityField }) {
  if (error?.field !== field) return null;
  return (
    <Text className='field-error' data-testid={`field-error-${field}`}>
      {error.error}
    </Text>
  );
}

/** Creates an activity of any type as a draft, checked in the form first; an error sits on its field until that field changes. */
function CreateActivity({ sponsorId, sponsorName, onCreated }: { sponsorId: string; sponsorName: string; onCreated: () => void }) {
  const { api } = useServices();
  const { activitySms } = useLimits();
  const [fields, setFields] = useState<ActivityFormFields>(EMPTY_FORM);
  const [error, setError] = useState<ActivityFormError | null>(null);
  const [saving, setSaving] = useState(false);
  const clearFor = (field: ActivityField) => setError((shown) => (shown?.field === field ? null : shown));
  const set = (name: ActivityField) => (value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    clearFor(name);
  };
  const setRainTimes = (change: (times: string[]) => string[]) => {
    setFields((f) => ({ ...f, rainTimes: change(f.rainTimes) }));
    clearFor('rainTimes');
  };
  const chooseType = (type: ActivityType) => {
    // A message still as the last type's default follows the type; one the sponsor wrote stays.
    setFields((f) => ({ ...f, type, template: f.template === DEFAULT_TEMPLATES[f.type] ? DEFAULT_TEMPLATES[type] : f.template }));
    setError(null);
  };

  async function create() {
    const checked = checkActivityForm(fields, new Date(), { sponsor: sponsorName, budget: activitySms });
    if (!checked.ok) return setError({ error: checked.error, field: checked.field });
    setError(null);
    setSaving(true);
    try {
      await api.createActivity(sponsorId, checked.value);
      setFields(EMPTY_FORM);
      onCreated();
    } catch (failure) {
      const onField = failure instanceof ApiError && failure.status === 400 ? fieldErrorOf(failure.details) : null;
      const template = failure instanceof ApiError && failure.code === 'UNKNOWN_TEMPLATE_VARIABLE';
      setError(onField ?? { error: failureMessage(failure, PAGES.sponsor), field: template ? 'template' : null });
    } finally {
      setSaving(false);
    }
  }

  const field = (name: ActivityField) => <FieldError error={error} field={name} />;
  return (
    <View className='card'>
      <Text className='card-title'>新建活动</Text>
      <View className='segmented'>
        {ACTIVITY_TYPES.map((type) => (
          <View key={type} className={`segment ${fields.type === type ? 'segment-active' : ''}`} data-testid={`activity-type-${type}`} onClick={() => chooseType(type)}>
            <Text>{ACTIVITY_TYPE_NAMES[type]}</Text>
          </View>
        ))}
      </View>
      <ErrorMessage message={error?.field === null ? error.error : null} />
      <TextField label='活动名称' testId='activity-title-input' value={fields.title} onChange={set('title')} placeholder='每日签到领流量'>
        {field('title')}
      </TextField>
      <TextField label='活动预算（MB）' testId='activity-budget-input' numeric value={fields.budgetText} onChange={set('budgetText')}>
        {field('budgetText')}
      </TextField>
      <TextField label='每人上限（MB）' testId='activity-cap-input' numeric value={fields.perUserCapText} onChange={set('perUserCapText')}>
        {field('perUserCapText')}
      </TextField>
      <View className='segmented'>
        <View
          className={`segment ${fields.rewardMode === 'fixed' ? 'segment-active' : ''}`}
          data-testid='reward-fixed'
          onClick={() => setFields((f) => ({ ...f, rewardMode: 'fixed' }))}
        >
          <Text>固定奖励</Text>
        </View>
        <View
          className={`segment ${fields.rewardMode === 'random' ? 'segment-active' : ''}`}
          data-testid='reward-random'
          onClick={() => setFields((f) => ({ ...f, rewardMode: 'random' }))}
        >
          <Text>随机奖励</Text>
        </View>
      </View>
      {fields.rewardMode === 'fixed' ? (
        <TextField label='每次奖励（MB）' testId='activity-amount-input' numeric value={fields.amountText} onChange={set('amountText')}>
          {field('amountText')}
        </TextField>
      ) : (
        <>
          <TextField label='最少（MB）' testId='activity-min-input' numeric value={fields.minText} onChange={set('minText')}>
            {field('minText')}
          </TextField>
          <TextField label='最多（MB）' testId='activity-max-input' numeric value={fields.maxText} onChange={set('maxText')}>
            {field('maxText')}
          </TextField>
        </>
      )}
      <TextField label='持续天数（从现在起）' testId='activity-days-input' numeric value={fields.daysText} onChange={set('daysText')}>
        {field('daysText')}
      </TextField>
      {fields.type === 'share' && (
        <TextField label='需要几位好友助力' testId='activity-helpers-input' numeric value={fields.helpersText} onChange={set('helpersText')}>
          {field('helpersText')}
        </TextField>
      )}
      {fields.type === 'red_packet_rain' && (
        <View data-testid='rain-fields'>
          {fields.rainTimes.map((time, i) => (
            <View key={i} className='row'>
              <TextField
                label={`第 ${i + 1} 场时间（北京时间）`}
                testId={`rain-time-${i}`}
                value={time}
                placeholder='2026-03-10 20:00'
                onChange={(value) => setRainTimes((times) => times.map((t, j) => (j === i ? value : t)))}
              />
              {fields.rainTimes.length > 1 && (
                <Button size='mini' data-testid={`remove-rain-time-${i}`} onClick={() => setRainTimes((times) => times.filter((_, j) => j !== i))}>
                  删除
                </Button>
              )}
            </View>
          ))}
          {field('rainTimes')}
          {fields.rainTimes.length < RAIN_TIMES_MAX && (
            <Button size='mini' data-testid='add-rain-time-button' onClick={() => setRainTimes((times) => [...times, ''])}>
              添加一场
            </Button>
          )}
          <TextField label='每个红包个数' testId='rain-count-input' numeric value={fields.rainCountText} onChange={set('rainCountText')}>
            {field('rainCountText')}
          </TextField>
          <TextField label='每个红包总额（MB）' testId='rain-total-input' numeric value={fields.rainTotalText} onChange={set('rainTotalText')}>
            {field('rainTotalText')}
          </TextField>
          <TextField label='同时投放的群 ID（可选，逗号分隔）' testId='rain-rooms-input' value={fields.rainRoomsText} onChange={set('rainRoomsText')}>
            {field('rainRoomsText')}
          </TextField>
        </View>
      )}
      <TemplateEditor
        label='中奖消息'
        testId='activity-template-input'
        value={fields.template}
        onChange={set('template')}
        context={{
          activity: fields.title.trim() || `${ACTIVITY_TYPE_NAMES[fields.type]}活动`,
          sponsor: sponsorName,
          maxRewardMb: parseWholeMb(fields.rewardMode === 'fixed' ? fields.amountText : fields.maxText) ?? 1,
        }}
      />
      {field('template')}
      <Button className='btn-primary' data-testid='create-activity-button' disabled={saving} onClick={create}>
        {saving ? '正在保存…' : '保存为草稿'}
      </Button>
    </View>
  );
}

/** One activity of the sponsor's with its life-cycle buttons. Publish and end move data: one key per tap, reused after an unknown outcome. */
function ActivityRow({ sponsorId, sponsorName, activity, onChanged }: { sponsorId: string; sponsorName: string; activity: Activity; onChanged: (error: string | null) => void }) {
  const { api } = useServices();
  const [action] = useState(() => new IdempotentAction());
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<'template' | 'broadcast' | null>(null);
  const [template, setTemplate] = useState(activity.templates.rewarded);
  const live = activity.status !== 'draft' && activity.status !== 'ended';
  const maxRewardMb = activity.reward.mode === 'fixed' ? activity.reward.amountMb : activity.reward.maxMb;

  async function saveTemplate() {
    setBusy(true);
    try {
      await api.updateActivity(sponsorId, activity.id, { templates: { rewarded: template.trim() } });
      setOpen(null);
      onChanged(null);
    } catch (failure) {
      onChanged(failureMessage(failure, PAGES.sponsor));
    } finally {
      setBusy(false);
    }
  }

  async function change(step: Step) {
    setBusy(true);
    try {
      const movesData = step === 'publish' || step === 'end';
      await api.changeActivity(sponsorId, activity.id, step, movesData ? action.keyFor({ step, activityId: activity.id }) : undefined);
      action.settle();
      onChanged(null);
    } catch (failure) {
      if (!isOutcomeUnknown(failure)) action.settle();
      onChanged(failureMessage(failure, PAGES.sponsor));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className='history-item' data-testid={`sponsor-activity-${activity.id}`}>
      <View className='history-main'>
        <Text className='history-story'>{activity.title}</Text>
        <Text
          className='history-state'
          data-testid='activity-status'
        >{`${STATUS_NAMES[activity.status]} · 已发 ${formatMb(activity.paidMb)} / ${formatMb(activity.budgetMb)} · ${formatDate(activity.endsAt)} 结束`}</Text>
      </View>
      <View className='row'>
        {STEPS_BY_STATUS[activity.status].map(([step, label]) => (
          <Button key={step} size='mini' data-testid={`${step}-button`} disabled={busy} onClick={() => change(step)}>
            {label}
          </Button>
        ))}
        {activity.status !== 'draft' && (
          <Button size='mini' data-testid='report-button' onClick={() => Taro.navigateTo({ url: sponsorReportPath(sponsorId, activity.id) })}>
            报告
          </Button>
        )}
        {activity.status !== 'ended' && (
          <Button size='mini' data-testid='edit-template-button' onClick={() => setOpen(open === 'template' ? null : 'template')}>
            中奖消息
          </Button>
        )}
        {live && (
          <Button size='mini' data-testid='open-broadcast-button' onClick={() => setOpen(open === 'broadcast' ? null : 'broadcast')}>
            群发
          </Button>
        )}
      </View>
      {open === 'template' && (
        <View>
          <TemplateEditor
            label='中奖消息'
            testId='edit-template-input'
            value={template}
            onChange={setTemplate}
            context={{ activity: activity.title, sponsor: sponsorName, maxRewardMb }}
          />
          <Button size='mini' data-testid='save-template-button' disabled={busy} onClick={saveTemplate}>
            保存
          </Button>
        </View>
      )}
      {open === 'broadcast' && <BroadcastForm sponsorId={sponsorId} sponsorName={sponsorName} activity={activity} />}
    </View>
  );
}

/** The sponsor's pages (SPEC §3.9), shown to members: budget, activities and their life-cycle, a new activity. */
export default function SponsorPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.sponsor);
  const [sponsors, setSponsors] = useState<MySponsor[] | null>(null);
  const [chosen, setChosen] = useState(0);
  const [activities, setActivities] = useState<Activity[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sponsor = sponsors?.[chosen] ?? null;

  async function load(index = chosen) {
    try {
      const mine = (await api.listMySponsors()).items;
      setSponsors(mine);
      const current = mine[index];
      const page = current ? await api.listSponsorActivities(current.id) : { items: [], nextCursor: null };
      setActivities(page.items);
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor));
    }
  }

  async function loadMore() {
    if (!sponsor || nextCursor === null) return;
    try {
      const page = await api.listSponsorActivities(sponsor.id, nextCursor);
      setActivities((shown) => [...shown, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor));
    }
  }
  useDidShow(() => {
    if (session.readToken()) void load();
  });

  if (!signedIn) return <View className='page' />;
  if (sponsors?.length === 0) {
    return (
      <Page title='赞助商'>
        <Text className='muted' data-testid='no-sponsor'>
          你还不是任何赞助商的成员。
        </Text>
      </Page>
    );
  }
  return (
    <Page title='赞助商'>
      <ErrorMessage message={error} />
      {sponsors && sponsors.length > 1 && (
        <View className='segmented'>
          {sponsors.map((s, i) => (
            <View
              key={s.id}
              className={`segment ${i === chosen ? 'segment-active' : ''}`}
              onClick={() => {
                setChosen(i);
                void load(i);
              }}
            >
              <Text>{s.name}</Text>
            </View>
          ))}
        </View>
      )}
      {sponsor && (
        <View className='card hero'>
          <Text className='hero-label'>{`${sponsor.name}（${sponsor.role === 'owner' ? '所有者' : '员工'}）可用预算`}</Text>
          <Text className='hero-amount' data-testid='sponsor-budget'>
            {formatMb(sponsor.budgetMb)}
          </Text>
        </View>
      )}
      {sponsor && (
        <View className='card'>
          <Text className='card-title'>活动</Text>
          {activities.length === 0 && <Text className='muted'>还没有活动。</Text>}
          {activities.map((activity) => (
            <ActivityRow
              key={activity.id}
              sponsorId={sponsor.id}
              sponsorName={sponsor.name}
              activity={activity}
              onChanged={(failure) => {
                setError(failure);
                void load();
              }}
            />
          ))}
          {nextCursor !== null && (
            <Button size='mini' data-testid='more-activities-button' onClick={() => void loadMore()}>
              更多活动
            </Button>
          )}
        </View>
      )}
      {sponsor && <CreateActivity sponsorId={sponsor.id} sponsorName={sponsor.name} onCreated={() => void load()} />}
      {sponsor && <CouponBatches sponsorId={sponsor.id} onIssued={() => void load()} />}
      {sponsor && <FundWarnings key={sponsor.id} sponsor={sponsor} onSaved={() => void load()} />}
    </Page>
  );
}
