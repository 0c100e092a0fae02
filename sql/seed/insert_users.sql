INSERT INTO users (name, email, password_hash, role, created_at, updated_at)
VALUES (%(name)s, %(email)s, %(password_hash)s, 'member', %(now)s, %(now)s)
