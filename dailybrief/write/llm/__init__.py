"""The optional LLM writer: an OpenAI-compatible client, its response cache, prompts, answer parsing, the writer."""
