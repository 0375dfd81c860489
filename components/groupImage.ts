import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { GroupImageSpec } from "../src/render";

/**
 * The docker.RemoteImage of one group's image. Prebuilt: pulled by reference (or found on the
 * host). Built: built by the Docker provider on its host (the local socket or ssh://; the context
 * is sent from the machine running pulumi) straight into that host's image store, named by the
 * content-tagged reference. `triggers` carries the full content hash: a new hash replaces the
 * resource (a new build, a new image id, so the group's container is replaced), and nothing else
 * in the build context does. `keepLocally`: destroy never deletes an image.
 *
 * `useLegacyBuilder`: the provider's buildx path (terraform-provider-docker v4.5.0
 * resource_docker_image_funcs.go buildImage -> createAndInitDockerCli, docker_buildx_build.go
 * runBuild) loads the default buildx builder from a Docker CLI initialised with default client
 * options, i.e. from the docker context of the machine running pulumi (DOCKER_HOST or the local
 * socket), not from the provider's `host`: over ssh:// the image would be built into the wrong
 * daemon. The "legacy" path (legacyBuildDockerImage) sends the context through the provider's own
 * client (client.ImageBuild) and still uses BuildKit, by a session dialled over the same client
 * (enableBuildKitIfSupported), so the build runs on the stack's Docker host. Measured over ssh://
 * with the real provider and engine (README, Build).
 *
 * The image labels go in `labels`, not `label`: the legacy path builds its options with
 * createImageBuildOptions (resource_docker_registry_image_funcs.go), which reads only `labels`;
 * `label` is read only by the buildx path (docker_buildx_build.go mapBuildAttributesToBuildOptions),
 * so with `label` the built image carried none of them (measured: only the base image's label).
 */
export function groupImageArgs(spec: GroupImageSpec): docker.RemoteImageArgs {
  if (spec.build === null) return { name: spec.reference, keepLocally: true };
  const b = spec.build;
  return {
    name: spec.reference,
    keepLocally: true,
    build: { context: b.context, dockerfile: b.dockerfile, buildArgs: { ...b.buildArgs }, labels: { ...b.labels }, useLegacyBuilder: true },
    triggers: { contentHash: b.contentHash },
  };
}

/**
 * A GPU image with PyTorch takes longer than the provider's 20-minute default to build. The
 * context and Dockerfile are paths on the machine that runs pulumi: the content hash in
 * `triggers` says everything about what is built, so another checkout path changes nothing.
 */
export function groupImageOptions(spec: GroupImageSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  if (spec.build === null) return opts;
  const timeout = `${spec.build.timeoutMinutes}m`;
  return { ...opts, customTimeouts: { create: timeout, update: timeout }, ignoreChanges: ["build.context", "build.dockerfile"] };
}
