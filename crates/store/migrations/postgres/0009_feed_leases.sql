-- A feed being fetched is leased to one worker (lease_holder) until lease_until (unix
-- microseconds), so that several workers sharing the database never fetch it twice at once. A
-- worker that stops gives its leases back; a crashed one's simply run out.
ALTER TABLE feeds ADD COLUMN lease_until BIGINT;
ALTER TABLE feeds ADD COLUMN lease_holder TEXT;
