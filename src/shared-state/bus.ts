/** Publish/subscribe of live-update messages: in process, or fanned out across replicas (Redis). */

/** A live-update message: what changed, in which project. */
export interface BusMessage {
  type: string;
  projectId?: string;
  data?: Record<string, unknown>;
}

/** Delivers every published message to every subscriber (of every replica, when shared). */
export interface Bus {
  publish(msg: BusMessage): Promise<void>;
  /** Calls `fn` for each message from now on; returns the unsubscribe function. */
  subscribe(fn: (msg: BusMessage) => void): () => void;
  close(): Promise<void>;
}

/** A bus for one process. */
export function memoryBus(): Bus {
  const subscribers = new Set<(msg: BusMessage) => void>();
  return {
    async publish(msg) {
      for (const fn of subscribers) {
        try {
          fn(msg);
        } catch {
          /* a broken subscriber must not stop the others */
        }
      }
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => {
        subscribers.delete(fn);
      };
    },
    async close() {
      subscribers.clear();
    },
  };
}
