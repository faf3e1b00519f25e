// Rooms declared inside components, through the `meet` provider plugin: an Office holding one
// TeamRooms per team. Each room's URN carries the whole chain
// (`...::example:index:Office$example:index:TeamRooms$meet:index:Space::berlin-platform-room`);
// the plugin serves it exactly like a room declared at the top level.
// `@pulumi/meet` is the SDK that `pulumi package add` generates from the plugin's schema.
import * as pulumi from "@pulumi/pulumi";
import * as meet from "@pulumi/meet";

/** The schema's AccessType values (assignable to the generated SDK's enum type). */
type Access = "OPEN" | "TRUSTED" | "RESTRICTED";

interface TeamRoomsArgs {
    lead?: string;
    cohosts: string[];
    accessType: Access;
}

/** A team's standing room, owned by its lead, and the team's co-hosts. */
class TeamRooms extends pulumi.ComponentResource {
    public readonly room: meet.Space;
    public readonly meetingUri: pulumi.Output<string>;

    constructor(name: string, args: TeamRoomsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("example:index:TeamRooms", name, {}, opts);
        const children = { parent: this };
        this.room = new meet.Space(`${name}-room`, {
            owner: args.lead,
            config: { accessType: args.accessType },
        }, children);
        args.cohosts.forEach((email, index) => {
            // Only a room's owner manages its members: act as the room's owner.
            new meet.SpaceMember(`${name}-cohost-${index + 1}`, {
                space: this.room.name,
                owner: this.room.owner,
                email,
                role: "COHOST",
            }, children);
        });
        this.meetingUri = this.room.meetingUri;
        this.registerOutputs({ meetingUri: this.meetingUri });
    }
}

/** The teams of one site: a TeamRooms per team, two components deep. */
class Office extends pulumi.ComponentResource {
    public readonly teams: Record<string, TeamRooms> = {};

    constructor(name: string, teams: Record<string, Omit<TeamRoomsArgs, "accessType">>,
                accessType: Access, opts?: pulumi.ComponentResourceOptions) {
        super("example:index:Office", name, {}, opts);
        for (const [team, args] of Object.entries(teams)) {
            const rooms = new TeamRooms(`${name}-${team}`, { ...args, accessType }, { parent: this });
            this.teams[team] = rooms;
        }
        this.registerOutputs({});
    }
}

const config = new pulumi.Config();
const berlin = new Office("berlin", {
    platform: { lead: "dana@example.com", cohosts: ["erin@example.com"] },
    design: { lead: "grace@example.com", cohosts: [] },
}, (config.get("accessType") ?? "TRUSTED") as Access);

export const meetingUris = Object.fromEntries(
    Object.entries(berlin.teams).map(([team, rooms]) => [team, rooms.meetingUri]),
);
