"""The live room's synthetic host: engine, bandit, script, answers and the runner's messages."""
