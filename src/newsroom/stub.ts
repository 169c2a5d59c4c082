// The one Newsroom instance: every write goes through it, so it can order versions.
export function newsroom(env: Env): DurableObjectStub<import("./durable-object").Newsroom> {
  return env.NEWSROOM.get(env.NEWSROOM.idFromName("newsroom"));
}
