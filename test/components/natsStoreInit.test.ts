import * as assert from "assert";
import { storeInitFailure } from "../../components/natsServer";

const URN = "urn:pulumi:mainpc::ai-system::ai-system:host:MachineStack$ai-system:messaging:NatsServer$docker:index/container:Container::mainpc-nats-store-init";

describe("components/NatsServer: the store init's result gates NATS", () => {
  it("lets NATS be created only after exit code 0", () => {
    assert.strictEqual(storeInitFailure("ai-system-nats-store-init", 0, "", URN), null);
  });

  it("stops the update with the init's exit code, its log and the command to run it again", () => {
    assert.strictEqual(
      storeInitFailure("ai-system-nats-store-init", 1, "chown: /data/jetstream: Operation not permitted\n", URN),
      [
        "ai-system-nats-store-init exited with code 1, so NATS was not created. Its log:",
        "chown: /data/jetstream: Operation not permitted",
        `Fix the cause (the JetStream volume must be writable by root in ai-system-nats-store-init), then run it again with: pulumi up --replace '${URN}'`,
      ].join("\n"),
    );
    assert.ok(storeInitFailure("ai-system-nats-store-init", undefined, undefined, URN)!.startsWith("ai-system-nats-store-init reported no exit code, so NATS was not created. Its log:\n(empty)\n"));
  });
});
