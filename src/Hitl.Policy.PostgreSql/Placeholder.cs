namespace Hitl.Policy.PostgreSql;
