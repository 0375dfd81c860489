import * as path from "path";
import { PROJECT_ROOT } from "./tempConfigRoot";

/** The user's whole monorepo at 2025-07-26 (read-only; tests never copy it into the project). */
export const REAL_TREE = path.join(PROJECT_ROOT, "..", "shared", "fixtures", "voice-assistant-prod", "2025-07-26-v3-tree");
