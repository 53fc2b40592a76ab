"""The pure core: every decision llmwall takes, with no mitmproxy and no network.

Follow one request in one direction:

    llmwall.core.exchange    Exchange: who sent what where (no content)
    llmwall.core.inspect     Inspector.inspect_request: read -> scan -> decide -> Verdict
    llmwall.core.answers     ... and its answer: inspect_response, stream_verdict
    llmwall.core.refusals    ... or a refusal: failures at a hook boundary, blocks
    llmwall.core.scanner     the detectors over a body's segments (and when to offload)
    llmwall.core.judge       each finding against the policy; the redacted text
    llmwall.core.policy      the policy model, parsed and validated from YAML
    llmwall.core.route_plan  where a request may go besides its provider
    llmwall.core.refusal     llmwall's own provider-shaped error answers
    llmwall.core.records     the audit record of a decision
    llmwall.core.verdict     Verdict: what the adapter applies

Responses take the same path (`inspect_response`, or `stream_inspector` and
`stream_verdict` for streams); `llmwall.core.config` parses the config file.
"""
