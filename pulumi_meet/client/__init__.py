"""The Meet REST client: settings, authentication, transport, retries and pacing.

Engine-independent. Front-ends obtain a client with :func:`pulumi_meet.client.meet.get_client`;
they never touch HTTP themselves.
"""
