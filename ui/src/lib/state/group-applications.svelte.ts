import type { GroupApplication, HandleAction, ImError, Message } from '$lib/types';
import { EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

/** A request's key: its group and applicant (and invitee). */
export const applicationKey = (a: GroupApplication) => `${a.groupID}\u0000${a.applicant}\u0000${a.userID}`;

/** How a request the caller acted on ended. */
export type Outcome = { action: HandleAction; error?: ImError };

/**
 * The applications inbox: pending join requests (and invitation requests)
 * of the groups the caller owns or administers (getGroupApplicationList),
 * answered with handleGroupApplication; the first owner or admin to act
 * wins, a late one gets 10024. Reloaded when a group system notice
 * arrives (MESSAGE_RECEIVED, MSG_GRP_SYS_NOTICE in `@TIM#SYSTEM`), on
 * SDK_READY and when the caller's groups change.
 */
export class GroupApplications {
  list: GroupApplication[] = $state.raw([]);
  /** Whether the inbox panel is open. */
  open = $state(false);
  loading = $state(false);
  error: ImError | null = $state.raw(null);
  /** Requests acted on this session, by key: kept on screen with their outcome. */
  outcomes: Map<string, Outcome> = $state.raw(new Map());
  busy: string | null = $state(null);
  #tim: Tim;
  #seq = 0;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.MESSAGE_RECEIVED, (e) => {
      if (!Array.isArray(e.data)) return;
      if (e.data.some((m: Message) => m.type === TYPES.MSG_GRP_SYS_NOTICE)) void this.load();
    });
    tim.on(EVENT.GROUP_LIST_UPDATED, () => void this.load());
    tim.on(EVENT.SDK_READY, () => void this.load());
    tim.on(EVENT.SDK_NOT_READY, () => this.reset());
  }

  /** Requests not yet acted on here. */
  get pending(): GroupApplication[] {
    return this.list.filter((a) => !this.outcomes.has(applicationKey(a)));
  }

  /** The rail's badge. */
  get count(): number {
    return this.pending.length;
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const res = await this.#tim.getGroupApplicationList();
      if (seq !== this.#seq) return;
      const fresh = res.data.applicationList;
      // Requests acted on here stay listed (with the outcome) until the inbox closes.
      const kept = this.list.filter((a) => this.outcomes.has(applicationKey(a)) && !fresh.some((f) => applicationKey(f) === applicationKey(a)));
      this.list = [...fresh, ...kept];
      this.error = null;
    } catch (e) {
      if (seq === this.#seq) this.error = toImError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Agrees to or rejects a request; a late answer (another admin was first) keeps its code. */
  async handle(application: GroupApplication, handleAction: HandleAction): Promise<Outcome> {
    const key = applicationKey(application);
    this.busy = key;
    let outcome: Outcome;
    try {
      await this.#tim.handleGroupApplication({ handleAction, application });
      outcome = { action: handleAction };
    } catch (e) {
      outcome = { action: handleAction, error: toImError(e) };
    } finally {
      this.busy = null;
    }
    this.outcomes = new Map(this.outcomes).set(key, outcome);
    return outcome;
  }

  /** Forgets the outcomes and drops the requests they answered (the inbox closed). */
  settle(): void {
    this.list = this.list.filter((a) => !this.outcomes.has(applicationKey(a)));
    this.outcomes = new Map();
  }

  reset(): void {
    this.#seq++;
    this.list = [];
    this.outcomes = new Map();
    this.open = false;
    this.error = null;
    this.loading = false;
  }
}

const byTim = new WeakMap<Tim, GroupApplications>();

/** The one applications inbox of this facade (made on first use). */
export function applicationsOf(tim: Tim): GroupApplications {
  let a = byTim.get(tim);
  if (!a) byTim.set(tim, (a = new GroupApplications(tim)));
  return a;
}

