// Types of account-world.js for the TypeScript tests that import it (test/integration/scale-account-small.test.ts).
// Generated with: npx tsc --allowJs --declaration --emitDeclarationOnly --strict --module nodenext --moduleResolution nodenext --target es2022 --skipLibCheck --outDir <dir> bench/support/account-world.js
/**
 * The mock account behind its own puppet service. Contacts and rooms are made from full payloads: the Mocker's
 * createRoom() shuffles every contact known for each room (n log n per room: 25 s for 1,000 x 50 here).
 * `askedAt` maps each customer message id (as the puppet gives it) to when it was said; `ask(i)` has customer i
 * (over every group in turn) @ the bot; `drive(seconds, rate)` asks at `rate`/s; `burst(n)` asks n at once.
 * @param {{ groups: number; members: number; token: string; question?: (i: number) => string }} options
 */
export function accountWorld({ groups, members, token, question }: {
    groups: number;
    members: number;
    token: string;
    question?: (i: number) => string;
}): Promise<{
    endpoint: string;
    token: string;
    askedAt: Map<string, number>;
    groups: number;
    members: number;
    memberCount: number;
    rooms: mock.RoomMock[];
    people: mock.ContactMock[][];
    ask: () => number;
    drive: (seconds: number, rate: number) => Promise<number>;
    burst: (n: number) => number;
    stop: () => Promise<void>;
    readonly loggedInAt: number;
    readonly asked: number;
}>;
/**
 * Writes bench/support/generated-knowledge's `intents` as YAML files of `perFile` intents each (gen-000.yaml …)
 * into `dir`; returns the file paths and the generated queries.
 * @param {string} dir @param {number} intents @param {number} [perFile]
 */
export function writeGeneratedKnowledge(dir: string, intents: number, perFile?: number): {
    files: string[];
    queries: {
        text: string;
        expect: string | null;
    }[];
};
/** An edit of one knowledge file as an agent would make it: one more example for its first intent. @param {string} file @param {string} example */
export function addExample(file: string, example: string): void;
/** A process's resident memory now and its high-water mark, in MB (from /proc; undefined once it exited). @param {number} pid */
export function memoryOf(pid: number): {
    rss: number;
    hwm: number;
} | undefined;
/** CPU seconds a process has used so far (user + system, from /proc/PID/stat; NaN once it exited). @param {number} pid */
export function cpuSecondsOf(pid: number): number;
/**
 * Waits until a process has used less than `busy` of a core over `windowMs` (work it started in the background,
 * such as the full re-tag after a member sync, is done); returns how long that took (ms), or -1 at the timeout.
 * @param {number} pid
 */
export function waitIdle(pid: number, { busy, windowMs, timeoutMs }?: {
    busy?: number | undefined;
    windowMs?: number | undefined;
    timeoutMs?: number | undefined;
}): Promise<number>;
/** Samples a process's VmRSS every `intervalMs`; `peak(from, to)` is the highest sample in that window. @param {number} pid */
export function sampleMemory(pid: number, intervalMs?: number): {
    samples: [number, number][];
    /** @param {number} from @param {number} [to] */
    peak: (from: number, to?: number) => number;
    /** The last sample at or before `t`. @param {number} t */
    at: (t: number) => number;
    now: () => {
        rss: number;
        hwm: number;
    } | undefined;
    stop: () => void;
};
/**
 * Starts `qundesk start` in its own process on the world's puppet service (SQLite in `dataDir`, knowledge from
 * `knowledgeDir`), without waiting; `ready()` resolves when /api/health says the channel is online and a knowledge
 * version is loaded. `nodeArgs` go before the script (e.g. --cpu-prof: Node 20 refuses it in NODE_OPTIONS).
 * @param {{ endpoint: string; token: string }} world
 * @param {{ dir: string; knowledgeDir: string; rulesDir?: string; nodeArgs?: string[]; env?: Record<string, string> }} options
 */
export function startAccountBot(world: {
    endpoint: string;
    token: string;
}, options: {
    dir: string;
    knowledgeDir: string;
    rulesDir?: string;
    nodeArgs?: string[];
    env?: Record<string, string>;
}): Promise<{
    child: import("child_process").ChildProcessByStdio<null, null, import("stream").Readable>;
    pid: number;
    port: number;
    startedAt: number;
    memory: {
        samples: [number, number][];
        /** @param {number} from @param {number} [to] */
        peak: (from: number, to?: number) => number;
        /** The last sample at or before `t`. @param {number} t */
        at: (t: number) => number;
        now: () => {
            rss: number;
            hwm: number;
        } | undefined;
        stop: () => void;
    };
    health: () => Promise<{
        channel: {
            state: string;
        };
        intents: number;
        knowledge: {
            version: number;
            ok: boolean;
        };
    } | undefined>;
    ready: (timeoutMs?: number) => Promise<number>;
    stop: () => Promise<void>;
    databaseFile: string;
    readonly readyAt: number;
    readonly stderr: string;
}>;
/**
 * A bare Wechaty bot (bench/support/bare-bot.js) in its own process on the world's puppet service: the baseline.
 * `ready()` resolves with ms from spawn to its login; `walk()` lists every group's members as a member sync would
 * (ms); `received()` counts the mentions of the bot it got.
 * @param {{ endpoint: string; token: string }} world
 * @param {string} [home] its HOME (wechaty-puppet-service's payload cache goes there); a temp folder, removed on stop
 */
export function startBareBot(world: {
    endpoint: string;
    token: string;
}, home?: string, options?: {
    execArgv?: string[];
}): {
    child: import("child_process").ChildProcess;
    pid: number;
    memory: {
        samples: [number, number][];
        /** @param {number} from @param {number} [to] */
        peak: (from: number, to?: number) => number;
        /** The last sample at or before `t`. @param {number} t */
        at: (t: number) => number;
        now: () => {
            rss: number;
            hwm: number;
        } | undefined;
        stop: () => void;
    };
    startedAt: number;
    ready: () => Promise<number>;
    /** @returns {Promise<{ ms: number; groups: number; members: number }>} */
    walk: () => Promise<{
        ms: number;
        groups: number;
        members: number;
    }>;
    /** @returns {Promise<number>} */
    received: () => Promise<number>;
    stop: () => Promise<void>;
};
/** Read-only queries on QunDesk's SQLite file (WAL: each query sees the last commit). @param {string} file */
export function storedData(file: string): {
    /** Current memberships (not left). */
    members: () => number;
    suggestions: () => number;
    /** @returns {Array<{ group_id: string; member_id: string; member_name: string; group_name: string }>} */
    memberRows: () => Array<{
        group_id: string;
        member_id: string;
        member_name: string;
        group_name: string;
    }>;
    /** Suggestions per puppet message id (the id without QunDesk's `wechaty:` prefix), with when each was stored (ms). */
    storedAt: () => Map<string, {
        at: number;
        count: number;
    }>;
    close: () => void;
};
export const API_TOKEN: "bench-account-token-0123456789";
import { mock } from 'wechaty-puppet-mock';
