/** Strings of several teams per case and the who-is-where board (zh-CN first), under `multiTeam.*`. */
import { i18n } from '../i18n/index.ts';

const zhCN = {
  multiTeam: {
    title: '在案队伍',
    none: '尚无队伍',
    lead: '主办',
    support: '增援',
    addSupport: '增援',
    reserve: '预留',
    reserved: '已预留',
    reservedFor: '已为 {{case}} 预留',
    reservedUntil: '预留至 {{time}}',
    release: '取消预留',
    standDown: '撤回',
    since: '派出 {{age}}',
    onScene: '已到场',
    eta: '预计 {{eta}}',
    reservations: '预留队伍',
    supportHint: '先派主办队伍，再增援',
    result: {
      support: '已增援 {{team}} → {{case}}',
      stoodDown: '{{team}} 已撤回',
      reserved: '已预留 {{team}}（15 分钟）',
      released: '已取消预留 {{team}}',
    },
    errors: { reserved: '该队伍已被其他调度员预留，已刷新', lead: '主办队伍不能撤回，请改派' },
    board: {
      tab: '谁在哪',
      list: '队伍列表',
      title: '谁在哪',
      team: '队伍',
      status: '状态',
      case: '事件',
      where: '位置',
      age: '定位',
      eta: '预计',
      empty: '暂无队伍',
      outside: '辖区外',
    },
  },
};

const en: typeof zhCN = {
  multiTeam: {
    title: 'Teams on the case',
    none: 'No team yet',
    lead: 'Lead',
    support: 'Support',
    addSupport: 'Support',
    reserve: 'Reserve',
    reserved: 'Reserved',
    reservedFor: 'Reserved for {{case}}',
    reservedUntil: 'held until {{time}}',
    release: 'Release',
    standDown: 'Stand down',
    since: 'sent {{age}} ago',
    onScene: 'on scene',
    eta: 'ETA {{eta}}',
    reservations: 'Reserved teams',
    supportHint: 'Send the lead first, then support',
    result: {
      support: '{{team}} sent to support {{case}}',
      stoodDown: '{{team}} stood down',
      reserved: '{{team}} reserved (15 min)',
      released: 'Reservation of {{team}} released',
    },
    errors: { reserved: 'Another dispatcher reserved this team; refreshed', lead: 'The lead cannot be stood down: reassign instead' },
    board: {
      tab: 'Who is where',
      list: 'Team list',
      title: 'Who is where',
      team: 'Team',
      status: 'Status',
      case: 'Case',
      where: 'Where',
      age: 'Fix',
      eta: 'ETA',
      empty: 'No teams',
      outside: 'outside the district',
    },
  },
};

i18n.addResourceBundle('zh-CN', 'translation', zhCN, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
