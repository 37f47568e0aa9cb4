"""English label texts: the visible AI label, the live room's banner, the default call to action."""

PHRASES = {
    "ai_label": "AI-generated",
    "live_banner": "AI host · AI-generated content",
    "voice_disclosure": "This voice is AI-generated.",
    "call_to_action": "Shop now",
}
