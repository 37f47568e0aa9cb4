"""Chinese label texts: the visible AI label (GB 45438-2025), the live banner, the CTA."""

PHRASES = {
    "ai_label": "AI生成",
    "live_banner": "AI主播 · 内容由AI生成",
    # "人工智能", not "AI": eSpeak's Mandarin voice spells Latin letters in an English voice.
    "voice_disclosure": "本音频由人工智能生成。",
    "call_to_action": "立即抢购",
}
