import { Machine } from "../config/machine";
import { DeploymentPlan } from "../plan/deploymentPlan";

/** What the action plan is generated from: both hosts' plans and how to name their inputs. */
export interface ReportInput {
  readonly plans: Readonly<Record<Machine, DeploymentPlan>>;
  /**
   * The config root as the reader should see it: relative to this project (`.` for the project's
   * own configuration), so the report does not change with the directory it was generated in.
   */
  readonly configRootLabel: string;
  /** PORT_OFFSET the ports were computed with, as given ("0" when unset). */
  readonly portOffset: string;
}
