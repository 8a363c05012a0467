import * as readline from 'node:readline';
import type { mock } from 'wechaty-puppet-mock';
import { mentionedNames, parseConsoleLine } from './console-line';

type Mocker = mock.Mocker;
type ContactMock = mock.ContactMock;
type RoomMock = mock.RoomMock;

export const DEMO_BOT_NAME = '流量小助手';
export const DEMO_ROOM_TOPIC = '流量群';
/** Fixed ids, so a binding made in one demo session still holds in the next. */
export const DEMO_ROOM_ID = 'liuliang-demo@chatroom';
export const DEMO_PEOPLE = ['小明', '小红', '小刚'] as const;

/** The mock chat the console demo plays in: the bot's own account, a few people, one room. */
export interface DemoWorld {
  mocker: Mocker;
  botUser: ContactMock;
  room: RoomMock;
  people: Map<string, ContactMock>;
}

/**
 * Creates the demo's people and room and logs the bot in. Call it after the bot has started:
 * the login is what makes the bot sync the room's members to the service.
 */
export function createDemoWorld(mocker: Mocker): DemoWorld {
  const botUser = mocker.createContact({ id: 'liuliang-demo-bot', name: DEMO_BOT_NAME });
  const people = new Map<string, ContactMock>();
  DEMO_PEOPLE.forEach((name, index) => people.set(name, mocker.createContact({ id: `liuliang-demo-${index + 1}`, name })));
  const room = mocker.createRoom({
    id: DEMO_ROOM_ID,
    topic: DEMO_ROOM_TOPIC,
    memberIdList: [botUser.id, ...[...people.values()].map((person) => person.id)],
  });
  mocker.login(botUser);
  return { mocker, botUser, room, people };
}

const CONSOLE_HELP = [
  '输入一句话，就是当前说话的人在群里说的。',
  '  小红: /balance      让小红说一句（冒号前是名字）',
  '  @流量小助手 帮助    @ 机器人',
  '  .as 小红            换成小红说话',
  '  .dm / .room         切换到私聊机器人 / 回到群聊',
  '  .join 小李          有人进群（新建联系人）',
  '  .leave 小刚         有人退群',
  '  .who                看看谁在群里',
  '  .quit               退出',
].join('\n');

/**
 * A console on stdin: the person at the keyboard speaks as one of the mock people, and the bot's
 * answers (in the room and in private) are printed. Resolves when the console is closed.
 */
export function runConsoleDemo(world: DemoWorld, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  let speaker = DEMO_PEOPLE[0] as string;
  let direct = false;
  const print = (line: string): void => void output.write(`${line}\n`);

  const cli = readline.createInterface({ input, output, prompt: '' });
  const prompt = (): void => {
    cli.setPrompt(`${speaker}${direct ? '（私聊）' : ''}> `);
    cli.prompt();
  };
  world.botUser.on('message', (message) => {
    // The bot's account also hears what people say to it in private; only its own words are news.
    if (message.talker().id !== world.botUser.id) return;
    const room = message.room();
    const where = room === undefined ? `私聊 → ${message.listener()?.payload.name ?? '?'}` : room.payload.topic;
    print(`\r[${where}] ${DEMO_BOT_NAME}: ${message.text() ?? '(非文本消息)'}`);
    prompt();
  });

  print(`控制台演示：群「${DEMO_ROOM_TOPIC}」里有 ${[...world.people.keys()].join('、')} 和 ${DEMO_BOT_NAME}。输入 .help 查看用法。`);
  prompt();

  cli.on('line', (line) => {
    const names = [...world.people.keys(), DEMO_BOT_NAME];
    const action = parseConsoleLine(line, names);
    switch (action.kind) {
      case 'say': {
        const who = world.people.get(action.speaker ?? speaker);
        if (who === undefined) {
          print(`没有 ${action.speaker ?? speaker} 这个人，用 .join 加一个。`);
          break;
        }
        const mentions = mentionedNames(action.text, names)
          .map((name) => (name === DEMO_BOT_NAME ? world.botUser : world.people.get(name)))
          .filter((contact): contact is ContactMock => contact !== undefined);
        who.say(action.text, mentions).to(direct ? world.botUser : world.room);
        break;
      }
      case 'as':
        if (world.people.has(action.name)) speaker = action.name;
        else print(`没有 ${action.name} 这个人，用 .join ${action.name} 加一个。`);
        break;
      case 'dm':
        direct = true;
        break;
      case 'room':
        direct = false;
        break;
      case 'join': {
        const person = world.people.get(action.name) ?? world.mocker.createContact({ id: `liuliang-demo-${world.people.size + 1}`, name: action.name });
        world.people.set(action.name, person);
        world.room.add(person).by(world.botUser);
        print(`${action.name} 进群了。`);
        break;
      }
      case 'leave': {
        const person = world.people.get(action.name);
        if (person === undefined) print(`没有 ${action.name} 这个人。`);
        else {
          world.room.remove(person).by(world.botUser);
          print(`${action.name} 退群了。`);
        }
        break;
      }
      case 'who': {
        const members = world.room.payload.memberIdList.map((id) => world.mocker.contactPayload(id).name);
        print(`群成员：${members.join('、')}`);
        break;
      }
      case 'help':
        print(CONSOLE_HELP);
        break;
      case 'quit':
        cli.close();
        return;
      case 'unknown':
        print(`没看懂「${action.input}」，输入 .help 查看用法。`);
        break;
      case 'empty':
        break;
    }
    prompt();
  });
  return new Promise((resolve) => cli.on('close', resolve));
}
