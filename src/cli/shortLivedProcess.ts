import { setFlagsFromString } from "v8";

/**
 * Imported first by the `ai-system` entry point. A command lives a fraction of a second, so the
 * optimising compilers (Maglev, TurboFan) only burn CPU on code that is done before their output
 * is used: on the default config they cost about 0.1 s of the 0.4 s a plan took (bench: whole
 * process). Sparkplug, the baseline compiler, stays. Set before any command module loads; V8
 * reads the tiering limit at each tier-up decision, so changing it at run time is safe.
 */
setFlagsFromString("--max-opt=1");
