import { HostOptions } from "../plan/hostChecks";
import { SettingsSource, StackSettings } from "./stackSettings";

/** The plan's view of the host, from the validated stack settings (findings point at the stack file). */
export function hostOptions(settings: StackSettings, source: Pick<SettingsSource, "file" | "lineOf">): HostOptions {
  return {
    platform: settings.platform,
    memoryMb: settings.hostMemoryMb,
    infrastructureMemoryMb: settings.natsMemoryMb + settings.redisMemoryMb,
    imageMode: settings.images.mode,
    pinnedGroups: settings.images.mode === "prebuilt" ? Object.keys(settings.images.digests).sort() : [],
    settingAt: (key) => ({ file: source.file, line: source.lineOf(key) }),
  };
}
