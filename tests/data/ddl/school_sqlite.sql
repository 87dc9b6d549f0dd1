-- A school, SQLite dialect: composite primary and foreign keys, a self-reference,
-- UNIQUE, CHECKs with comparisons, BETWEEN and IN lists, DEFAULTs and comments.
PRAGMA foreign_keys = ON;

CREATE TABLE department (
    department_id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE CHECK (length(code) <= 6),
    name VARCHAR(60) NOT NULL,
    budget NUMERIC(12, 2) NOT NULL DEFAULT 0 CHECK (budget >= 0)
);

CREATE TABLE teacher (
    teacher_id INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES department (department_id),
    full_name VARCHAR(80) NOT NULL,
    email VARCHAR(120) NOT NULL UNIQUE,
    rank TEXT NOT NULL DEFAULT 'lecturer'
        CHECK (rank IN ('lecturer', 'senior lecturer', 'professor')),
    mentor_id INTEGER REFERENCES teacher (teacher_id), -- a self-reference
    hired_on DATE NOT NULL
);

CREATE TABLE student (
    student_id INTEGER PRIMARY KEY,
    full_name VARCHAR(80) NOT NULL,
    email VARCHAR(120) UNIQUE,
    birth_year INTEGER NOT NULL CHECK (birth_year BETWEEN 1990 AND 2010),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (updated_at >= created_at)
);

CREATE TABLE course (
    course_id INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES department (department_id),
    title VARCHAR(100) NOT NULL,
    credits INTEGER NOT NULL DEFAULT 5 CHECK (credits > 0 AND credits <= 30),
    level TEXT NOT NULL CHECK (level IN ('intro', 'advanced', 'graduate'))
);

-- many-to-many: students take courses (a composite primary key of two references)
CREATE TABLE enrollment (
    student_id INTEGER NOT NULL REFERENCES student (student_id),
    course_id INTEGER NOT NULL REFERENCES course (course_id),
    enrolled_on DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dropped', 'done')),
    PRIMARY KEY (student_id, course_id)
);

-- numbered sessions of a course (a reference and a line number)
CREATE TABLE session (
    course_id INTEGER NOT NULL REFERENCES course (course_id),
    session_no INTEGER NOT NULL CHECK (session_no >= 1 AND session_no <= 40),
    teacher_id INTEGER NOT NULL REFERENCES teacher (teacher_id),
    room VARCHAR(10),
    PRIMARY KEY (course_id, session_no)
);

-- a composite foreign key to each composite primary key
CREATE TABLE attendance (
    attendance_id INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL,
    course_id INTEGER NOT NULL,
    session_course_id INTEGER NOT NULL,
    session_no INTEGER NOT NULL,
    minutes_late INTEGER NOT NULL DEFAULT 0 CHECK (minutes_late >= 0 AND minutes_late < 90),
    FOREIGN KEY (student_id, course_id) REFERENCES enrollment (student_id, course_id),
    FOREIGN KEY (session_course_id, session_no) REFERENCES session (course_id, session_no)
);
