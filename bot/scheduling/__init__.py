"""Between appointments: what Tandem does at a time, not in answer to a message.

Invitations to tools a case manager set, gentle nudges, appointment reminders, expiry,
regular check-ins, and flags sent to the seniors when nobody dealt with them in time
(escalation.py, counted in office hours: office.py). Everything due is a DueJob row (storage/due.py), handled by the scheduler
loop (scheduler.py) in the same transaction as the messages it queues. Channel-free, like
bot/conversations: it writes to the outbox and never talks to Telegram.
"""
