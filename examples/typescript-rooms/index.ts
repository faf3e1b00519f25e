// The yaml-rooms example in TypeScript. `@pulumi/meet` is the SDK that `pulumi package add`
// generates from the provider plugin's schema (see README.md beside this file).
import * as pulumi from "@pulumi/pulumi";
import * as meet from "@pulumi/meet";

const config = new pulumi.Config();
const owner = config.get("owner") ?? "platform-lead@example.com";
const cohost = config.get("cohost") ?? "deputy@example.com";

const standup = new meet.Space("standup", {
    owner,
    config: {
        accessType: "TRUSTED",
        moderation: "ON",
        moderationRestrictions: {
            presentRestriction: "HOSTS_ONLY",
            chatRestriction: "NO_RESTRICTION",
        },
        artifactConfig: {
            transcriptionConfig: { autoTranscriptionGeneration: "ON" },
        },
    },
});

// Only a room's owner manages its members: act as the room's owner, not as the deploy user.
new meet.SpaceMember("standup-cohost", {
    space: standup.name,
    owner: standup.owner,
    email: cohost,
    role: "COHOST",
});

const supportBridge = new meet.Space("support-bridge", {
    owner,
    // Destroying the stack ends a running call but leaves the bridge open to its regulars.
    deletionPolicy: "END_CONFERENCE",
    config: { accessType: "OPEN", entryPointAccess: "ALL" },
});

export const standupUrl = standup.meetingUri;
export const standupCode = standup.meetingCode;
export const supportBridgeUrl = supportBridge.meetingUri;
